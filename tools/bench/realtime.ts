// Real-time runs on loopback: the host board sends over real UDP, a receiver process measures arrivals; peers on the same files.
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as path from "path";
import type { Board } from "../../boards/board";
import { CardFiles } from "../harness/storage";
import { RealNetwork } from "../harness/network";
import { startBench, sweepBoard } from "./board";
import { BENCH_PT, fileName, Level, writeLevelFiles } from "./media";
import { figures, Figures, traceOf } from "./metrics";
import { listen, Listening } from "./receiver";
import { cardModel } from "./virtual";
import { collectGarbageNow, holdLowWakeLatency, raiseSchedulingPriority, releaseLowWakeLatency, restoreSchedulingPriority, underSamePolicy } from "../harness/real-time";
import { Capture, CaptureOptions, startCapture } from "./capture";

export interface RealResult extends Figures {
    /** PLAY (the firmware's play call) to the first packet on the wire, ms; NaN without a capture. */
    firstPacketMs: number;
    expected: number;
    dropped: number;
    trace: Array<{ t: number; dev: number }>;
    stallTimes: number[];
}

let nextPort = 23000;
/** Fresh ports per run, so a late datagram of one run never lands in the next. */
function ports(n: number): number {
    const p = nextPort;
    nextPort += 2 * n + 2;
    if (nextPort > 29000) nextPort = 23000;
    return p;
}

/** Sample frames in one packet of a stream: 20 ms, or fewer to stay within 1400 bytes (16-bit samples). */
function framesPerPacket(s: { rate: number; channels: number }): number {
    return Math.min(Math.floor(s.rate / 50), Math.floor(1400 / (2 * s.channels)));
}

/** Packets the level's files hold (each stream: whole 1400-byte-or-20-ms packets, as ringcast and the peers cut them roughly alike). */
export function packetsIn(level: Level, seconds: number): number {
    return level.streams.reduce((a, s) => a + Math.ceil((s.rate * seconds) / framesPerPacket(s)), 0);
}

/**
 * ringcast on the host board in real time: two-task or sequential, card stalls optional; RTP to a receiver process.
 * Reads are asynchronous, as the host board's always are: a stalled read answers 100 ms late, the sender goes on.
 */
export async function runRingcastReal(board: Board, mode: "two-task" | "sequential", stalls: boolean, level: Level, seconds: number, dir: string, capture?: CaptureOptions, realTime = false): Promise<RealResult> {
    writeLevelFiles(level, seconds, dir);
    const base = ports(level.streams.length);
    const pts = level.streams.map(s => (s.rate === 44100 && s.channels === 2 ? 10 : BENCH_PT));
    const stallTimes: number[] = [];
    const b = sweepBoard(board);
    const storage = cardModel(b, "async", stalls, stallTimes);
    const network = new RealNetwork();
    const host = startBench({ board: b, clock: "real", network, card: new CardFiles(dir), storage }, mode);
    let rx: Listening | undefined;
    let cap: Capture | undefined;
    try {
        rx = await listen(level, base, pts, dir, seconds * 2 + 5);
        cap = capture ? await startCapture(capture, base, base + 2 * level.streams.length) : undefined;
        host.exec(level.streams.map((s, i) => `F.openAndPlay(R, "${fileName(s, i)}", "127.0.0.1", ${base + 2 * i}, false)`).join("\n"));
        // Opening reads each file's header asynchronously: run the board until every stream is admitted (or refused).
        const running = host.world.runRealTime();
        const openBy = Date.now() + 10_000;
        while (host.evaluate<number>(`#R.streams + #R.refusals`) < level.streams.length) {
            if (Date.now() > openBy) throw new Error(`streams did not open: ${JSON.stringify(host.evaluate(`R.refusals`))}`);
            await new Promise(res => setTimeout(res, 10));
        }
        // Node binds UDP sockets asynchronously, and the departure thread takes a moment to start: both before PLAY.
        await network.ready();
        await new Promise(res => setTimeout(res, 50));
        // What the bench's earlier sections left in the heap goes now, not in a full collection in the middle of the run.
        if (realTime) collectGarbageNow();
        const playUs = host.nowUs();
        let playEpochMs = NaN;
        host.world.outsideEvent("bench", () => {
            playEpochMs = performance.timeOrigin + performance.now();
            host.exec(`F.playOne(R, 1)`);
        });
        // Receivers press PLAY independently: the other streams start at random points of one packet time, not on the
        // same µs (streams started together would send every packet in lockstep bursts, a case no client makes).
        level.streams.slice(1).forEach((s, k) => {
            const packetUs = (1e6 * framesPerPacket(s)) / s.rate;
            host.world.at(playUs + Math.random() * packetUs, () => host.world.outsideEvent("bench", () => host.exec(`F.playOne(R, ${k + 2})`)));
        });
        if (realTime) raiseSchedulingPriority();
        // The stop check is a board event, not a Node timer: Node timers wait while the loop spins before a packet.
        const deadlineUs = host.nowUs() + seconds * 2e6 + 3e6;
        const check = (): void => {
            if (host.evaluate<number>(`#R.ended`) === level.streams.length || host.nowUs() > deadlineUs) host.world.stop();
            else host.world.at(host.nowUs() + 100_000, () => host.world.outsideEvent("bench", check));
        };
        host.world.at(host.nowUs() + 100_000, () => host.world.outsideEvent("bench", check));
        await running;
        const counters = host.evaluate<Array<{ dropped: number; ssrc: number }>>(`F.counters(R)`);
        host.close();
        const series = cap ? await cap.stop(level) : await rx.done;
        const f = figures(series);
        const first = f.perStream[0];
        return {
            ...f,
            expected: packetsIn(level, seconds),
            firstPacketMs: cap ? cap.firstPacketEpochMs - playEpochMs : NaN,
            dropped: counters.reduce((a, c) => a + c.dropped, 0),
            trace: first ? traceOf(first.atNs, first.devUs) : [],
            // Seconds after PLAY: the first packet leaves then, and the receiver's trace starts at it.
            stallTimes: stallTimes.map(us => (us - playUs) / 1e6).filter(t => t >= 0),
        };
    } finally {
        if (realTime) restoreSchedulingPriority();
        host.close();
        rx?.kill();
        cap?.kill();
    }
}

export type PeerName = "gstreamer" | "ffmpeg";

function ffmpegPath(): string | undefined {
    try {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        return require("@ffmpeg-installer/ffmpeg").path as string;
    } catch {
        return undefined;
    }
}

/** The peer's program, or undefined when it is not installed. */
export function peerProgram(peer: PeerName): string | undefined {
    if (peer === "ffmpeg") return ffmpegPath();
    const r = spawnSync("gst-launch-1.0", ["--version"], { stdio: "ignore" });
    return r.status === 0 ? "gst-launch-1.0" : undefined;
}

function peerArgs(peer: PeerName, file: string, port: number): string[] {
    if (peer === "ffmpeg") return ["-hide_banner", "-loglevel", "error", "-re", "-i", file, "-c:a", "pcm_s16be", "-payload_type", String(BENCH_PT), "-f", "rtp", `rtp://127.0.0.1:${port}`];
    return ["-q", "filesrc", `location=${file}`, "!", "wavparse", "!", "audioconvert", "!", `rtpL16pay`, `pt=${BENCH_PT}`, "!", "udpsink", "host=127.0.0.1", `port=${port}`, "sync=true"];
}

/**
 * A peer streams the same files, one process per stream, to the same witness, under the scheduling policy ringcast got
 * (`realTime`: SCHED_FIFO and the machine's CPU wake latency held low), so both are measured alike.
 */
export async function runPeerReal(peer: PeerName, level: Level, seconds: number, dir: string, capture?: CaptureOptions, realTime = false): Promise<RealResult> {
    const program = peerProgram(peer)!;
    const files = writeLevelFiles(level, seconds, dir);
    const base = ports(level.streams.length);
    const rx = await listen(level, base, level.streams.map(() => BENCH_PT), dir, seconds * 2 + 5);
    const children: ChildProcess[] = [];
    let cap: Capture | undefined;
    try {
        if (realTime) holdLowWakeLatency();
        cap = capture ? await startCapture(capture, base, base + 2 * level.streams.length) : undefined;
        const exits = files.map((f, i) => {
            const [cmd, args] = underSamePolicy(realTime, program, peerArgs(peer, path.resolve(f), base + 2 * i));
            const c = spawn(cmd, args, { stdio: ["ignore", "ignore", "ignore"] });
            children.push(c);
            return new Promise<void>(res => c.on("exit", () => res()).on("error", () => res()));
        });
        // A peer that hangs is stopped after twice the media time.
        const guard = setTimeout(() => children.forEach(c => c.kill()), seconds * 2000 + 5000);
        await Promise.all(exits);
        clearTimeout(guard);
        const f = figures(cap ? await cap.stop(level) : await rx.done);
        const first = f.perStream[0];
        return { ...f, expected: packetsIn(level, seconds), firstPacketMs: NaN, dropped: 0, trace: first ? traceOf(first.atNs, first.devUs) : [], stallTimes: [] };
    } finally {
        releaseLowWakeLatency();
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
        rx.kill();
        cap?.kill();
    }
}
