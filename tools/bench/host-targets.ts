// The host board's real-time targets, measured side by side with the peers: one 6 Mbit/s L16 stream (also with card
// stalls), 24 Mbit/s of streams, PLAY to the first packet; timed by a kernel capture when one is allowed.
import * as fs from "fs";
import * as path from "path";
import { loadBoard } from "../boards";
import { raiseSchedulingPriority, restoreSchedulingPriority } from "../harness/real-time";
import { captureProgram, CaptureOptions } from "./capture";
import { level, Level } from "./media";
import { peerProgram, PeerName, RealResult, runPeerReal, runRingcastReal } from "./realtime";

export interface Witness {
    capture?: CaptureOptions;
    /** Whether senders ran under SCHED_FIFO with the CPU wake latency held low (ringcast's loop and the peers alike). */
    realTime: boolean;
    policy: string;
    /** Who timed the packets. */
    witness: string;
}

/** What times the packets (tcpdump's kernel stamps, else the receiver process) and the policy senders run under. */
export function realTimeSetup(work: string): Witness {
    const program = captureProgram();
    const p = raiseSchedulingPriority();
    restoreSchedulingPriority();
    return {
        capture: program ? { program, dir: work } : undefined,
        realTime: p.realTime,
        policy: p.realTime ? `${p.policy}, for every sender (ringcast's loop thread, each peer process)` : p.policy,
        witness: program ? "tcpdump on lo, kernel timestamps in ns (an independent capture)" : "the bench receiver process (tcpdump not allowed or not installed)",
    };
}

export interface TargetRow {
    case: string;
    sender: string;
    mbps: number;
    streams: number;
    packets: number;
    expected: number;
    lost: number;
    dropped: number;
    maxDevUs: number;
    p99DevUs: number;
    meanDevUs: number;
    jitterMeanUs: number;
    firstPacketMs: number;
    /** CPU time the hypervisor gave to others during the run (all CPUs, /proc/stat), ms; NaN where unknown. */
    stealMs: number;
}

export interface TargetCheck {
    target: string;
    figure: string;
    met: boolean;
}

export interface Targets {
    witness: string;
    policy: string;
    seconds: number;
    rows: TargetRow[];
    checks: TargetCheck[];
}

const SIX: Level = level([{ rate: 192000, channels: 2 }]);
/** CD quality (44.1 kHz stereo L16, 1.41 Mbit/s): 17 streams make 24 Mbit/s. */
const TWENTY_FOUR: Level = level(Array.from({ length: 17 }, () => ({ rate: 44100, channels: 2 })));

/** Steal time of all CPUs so far, ms (USER_HZ ticks of 10 ms), or NaN off Linux. */
function stealMs(): number {
    try {
        const cpu = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
        return Number(cpu[8]) * 10;
    } catch {
        return NaN;
    }
}

/** Runs `f`, and says how much steal time the machine saw meanwhile. */
async function withSteal<T>(f: () => Promise<T>): Promise<[T, number]> {
    const before = stealMs();
    const r = await f();
    return [r, stealMs() - before];
}

function row(name: string, sender: string, l: Level, r: RealResult, steal: number): TargetRow {
    return {
        case: name,
        sender,
        mbps: l.mbps,
        streams: l.streams.length,
        packets: r.packets,
        expected: r.expected,
        lost: r.lost,
        dropped: r.dropped,
        maxDevUs: r.maxDevUs,
        p99DevUs: r.p99DevUs,
        meanDevUs: r.meanDevUs,
        jitterMeanUs: r.jitterMeanUs,
        firstPacketMs: r.firstPacketMs,
        stealMs: steal,
    };
}

const fmt = (x: number): string => (Number.isFinite(x) ? (x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(0)} µs`) : "–");

export async function runTargets(o: { quick: boolean; work: string; progress: (l: string) => void }, w: Witness): Promise<Targets> {
    const host = loadBoard("host");
    const seconds = o.quick ? 3 : 10;
    const rows: TargetRow[] = [];
    const ring = async (name: string, l: Level, stalls: boolean): Promise<TargetRow> => {
        o.progress(`targets: ringcast, ${name}`);
        const [r, steal] = await withSteal(() => runRingcastReal(host, "two-task", stalls, l, seconds, path.join(o.work, "targets"), w.capture, w.realTime));
        const x = row(name, "ringcast", l, r, steal);
        rows.push(x);
        return x;
    };
    const one = await ring("one 6 Mbit/s stream", SIX, false);
    const peers: TargetRow[] = [];
    for (const peer of ["gstreamer", "ffmpeg"] as PeerName[]) {
        if (!peerProgram(peer)) continue;
        o.progress(`targets: ${peer}, one 6 Mbit/s stream`);
        const [r, steal] = await withSteal(() => runPeerReal(peer, SIX, seconds, path.join(o.work, `targets-${peer}`), w.capture, w.realTime));
        const x = row("one 6 Mbit/s stream", peer, SIX, r, steal);
        rows.push(x);
        peers.push(x);
    }
    const stalled = await ring("one 6 Mbit/s stream, 100 ms card stall each second", SIX, true);
    const agg = await ring("24 Mbit/s, 17 CD-quality streams", TWENTY_FOUR, false);
    const checks: TargetCheck[] = [
        { target: "6 Mbit/s: max deviation ≤ 200 µs", figure: fmt(one.maxDevUs), met: one.maxDevUs <= 200 },
        { target: "6 Mbit/s: p99 deviation ≤ 50 µs", figure: fmt(one.p99DevUs), met: one.p99DevUs <= 50 },
        { target: "6 Mbit/s with stalls: max deviation ≤ 200 µs", figure: fmt(stalled.maxDevUs), met: stalled.maxDevUs <= 200 },
        { target: "6 Mbit/s with stalls: p99 deviation ≤ 50 µs", figure: fmt(stalled.p99DevUs), met: stalled.p99DevUs <= 50 },
        { target: "24 Mbit/s: mean RFC 3550 jitter ≤ 20 µs", figure: fmt(agg.jitterMeanUs), met: agg.jitterMeanUs <= 20 },
        { target: "PLAY → first packet ≤ 10 ms", figure: Number.isFinite(one.firstPacketMs) ? `${one.firstPacketMs.toFixed(2)} ms` : "– (needs the capture)", met: one.firstPacketMs <= 10 },
        ...peers.map(p => ({
            target: `beats ${p.sender} at 6 Mbit/s (max and p99 deviation)`,
            figure: `${fmt(one.maxDevUs)} / ${fmt(one.p99DevUs)} against ${fmt(p.maxDevUs)} / ${fmt(p.p99DevUs)}`,
            met: one.maxDevUs < p.maxDevUs && one.p99DevUs < p.p99DevUs,
        })),
    ];
    return { witness: w.witness, policy: w.policy, seconds, rows, checks };
}

/** The targets as a Markdown section. */
export function targetsMarkdown(t: Targets): string[] {
    const out = ["", "## Host board real-time targets", "", `Timed by ${t.witness}; senders under ${t.policy}; ${t.seconds} s of media per run, one run each, ringcast and the peers one after another in the same bench run. Deviation: arrival minus media time, against the earliest packet. Steal time: CPU time the hypervisor gave to other guests during the case, in 10 ms ticks summed over CPUs (a sender cannot be on time while its CPU is away).`, ""];
    out.push("| case | sender | Mbit/s | streams | received/in files | lost | dropped | max dev | p99 dev | mean dev | mean jitter | PLAY → first packet | steal time |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const r of t.rows) out.push(`| ${r.case} | ${r.sender} | ${r.mbps.toFixed(2)} | ${r.streams} | ${r.packets}/${r.expected} | ${r.lost} | ${r.dropped} | ${fmt(r.maxDevUs)} | ${fmt(r.p99DevUs)} | ${fmt(r.meanDevUs)} | ${fmt(r.jitterMeanUs)} | ${Number.isFinite(r.firstPacketMs) ? `${r.firstPacketMs.toFixed(2)} ms` : "–"} | ${Number.isFinite(r.stealMs) ? `${r.stealMs} ms` : "–"} |`);
    out.push("", "| target | measured | met |", "|---|---|---|");
    for (const c of t.checks) out.push(`| ${c.target} | ${c.figure} | ${c.met ? "yes" : "no"} |`);
    return out;
}
