// Real-time runs on loopback: the host board sends over real UDP, a receiver process measures arrivals; peers on the same files.
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as path from "path";
import type { Board } from "../../boards/board";
import { LoopbackUdp } from "./udp-network";
import { CardFiles } from "../harness/storage";
import { startBench, sweepBoard } from "./board";
import { BENCH_PT, fileName, Level, writeLevelFiles } from "./media";
import { figures, Figures, traceOf } from "./metrics";
import { listen, Listening } from "./receiver";
import { STALL_US } from "./virtual";

export interface RealResult extends Figures {
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

/** Packets the level's files hold (each stream: whole 1400-byte-or-20-ms packets, as ringcast and the peers cut them roughly alike). */
export function packetsIn(level: Level, seconds: number): number {
    return level.streams.reduce((a, s) => a + Math.ceil((s.rate * seconds) / Math.min(Math.floor(s.rate / 50), Math.floor(1400 / (2 * s.channels)))), 0);
}

/** ringcast on the host board in real time: two-task or sequential, card stalls optional; RTP to a receiver process. */
export async function runRingcastReal(board: Board, mode: "two-task" | "sequential", stalls: boolean, level: Level, seconds: number, dir: string): Promise<RealResult> {
    writeLevelFiles(level, seconds, dir);
    const base = ports(level.streams.length);
    const pts = level.streams.map(s => (s.rate === 44100 && s.channels === 2 ? 10 : BENCH_PT));
    const stallTimes: number[] = [];
    const b = sweepBoard(board);
    // Reads are synchronous, as a board's file.read: the real-time loop spins between close events and would starve
    // promise-based reads; a stall busy-waits in the read, holding the one Lua task as a slow card would.
    const card = new StallingCard(dir, stalls, stallTimes);
    const host = startBench({ board: b, clock: "real", network: new LoopbackUdp(), card, storage: { mode: "blocking", bytesPerSecond: 0, overheadUs: 0 } }, mode);
    card.clock = () => host.nowUs();
    let rx: Listening | undefined;
    try {
        rx = await listen(level, base, pts, dir, seconds * 2 + 5);
        host.exec(level.streams.map((s, i) => `F.openAndPlay(R, "${fileName(s, i)}", "127.0.0.1", ${base + 2 * i}, false)`).join("\n"));
        // Node binds UDP sockets asynchronously: let the binds complete before the media clocks start.
        await new Promise(res => setTimeout(res, 50));
        const playUs = host.nowUs();
        host.exec(`F.playAll(R)`);
        // The stop check is a board event, not a Node timer: Node timers do not fire while the loop spins.
        const deadlineUs = host.nowUs() + seconds * 2e6 + 3e6;
        const check = (): void => {
            if (host.evaluate<number>(`#R.ended`) === level.streams.length || host.nowUs() > deadlineUs) host.world.stop();
            else host.world.at(host.nowUs() + 100_000, check);
        };
        host.world.at(host.nowUs() + 100_000, check);
        await host.world.runRealTime();
        const counters = host.evaluate<Array<{ dropped: number; ssrc: number }>>(`F.counters(R)`);
        host.close();
        const f = figures(await rx.done);
        const first = f.perStream[0];
        return {
            ...f,
            expected: packetsIn(level, seconds),
            dropped: counters.reduce((a, c) => a + c.dropped, 0),
            trace: first ? traceOf(first.atNs, first.devUs) : [],
            // Seconds after PLAY: the first packet leaves then, and the receiver's trace starts at it.
            stallTimes: stallTimes.map(us => (us - playUs) / 1e6).filter(t => t >= 0),
        };
    } finally {
        host.close();
        rx?.kill();
    }
}

/** The card as files on disk; with stalls, the first read in each second of board time blocks 100 ms more. */
class StallingCard extends CardFiles {
    clock: () => number = () => 0;
    private lastSecond = -1;
    constructor(dir: string, private readonly stalls: boolean, private readonly stallTimes: number[]) {
        super(dir);
    }
    read(name: string, offset: number, length: number): Buffer {
        const now = this.clock();
        const second = Math.floor(now / 1e6);
        if (this.stalls && second !== this.lastSecond) {
            this.lastSecond = second;
            this.stallTimes.push(now);
            while (this.clock() < now + STALL_US) {
                /* a stalled card holds the reader */
            }
        }
        return super.read(name, offset, length);
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

/** A peer streams the same files, one process per stream, to the same receiver code. */
export async function runPeerReal(peer: PeerName, level: Level, seconds: number, dir: string): Promise<RealResult> {
    const program = peerProgram(peer)!;
    const files = writeLevelFiles(level, seconds, dir);
    const base = ports(level.streams.length);
    const rx = await listen(level, base, level.streams.map(() => BENCH_PT), dir, seconds * 2 + 5);
    const children: ChildProcess[] = [];
    try {
        const exits = files.map((f, i) => {
            const c = spawn(program, peerArgs(peer, path.resolve(f), base + 2 * i), { stdio: ["ignore", "ignore", "ignore"] });
            children.push(c);
            return new Promise<void>(res => c.on("exit", () => res()).on("error", () => res()));
        });
        // A peer that hangs is stopped after twice the media time.
        const guard = setTimeout(() => children.forEach(c => c.kill()), seconds * 2000 + 5000);
        await Promise.all(exits);
        clearTimeout(guard);
        const f = figures(await rx.done);
        const first = f.perStream[0];
        return { ...f, expected: packetsIn(level, seconds), dropped: 0, trace: first ? traceOf(first.atNs, first.devUs) : [], stallTimes: [] };
    } finally {
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
        rx.kill();
    }
}
