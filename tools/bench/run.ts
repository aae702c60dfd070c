// One bench run: virtual-time and real-time sweeps, break-point searches, peers, the board budget; returns plain results.
import * as os from "os";
import * as path from "path";
import type { Board } from "../../boards/board";
import { loadBoard } from "../boards";
import { codeSizes, CodeSize, heapDrift, HeapDrift, poolFigures, PoolFigures, sendPathCost, SendPathCost, SPEECH } from "./budget";
import { FIXED_LEVELS, Level, level } from "./media";
import { Figures } from "./metrics";
import { packetsIn, peerProgram, PeerName, runPeerReal, runRingcastReal } from "./realtime";
import { runVirtual } from "./virtual";
import { realTimeSetup, runTargets, Targets } from "./host-targets";

export interface BenchOptions {
    quick: boolean;
    board: string;
    /** Scratch folder for the real-time runs' files and SDPs. */
    work: string;
    progress: (line: string) => void;
}

export interface Row extends Figures {
    scenario: string;
    design: string;
    stalls: boolean;
    mbps: number;
    streams: number;
    expected: number;
    dropped: number;
    /** Nothing dropped or lost, and the max deviation within the scenario's send period. */
    ok: boolean;
}

export interface BreakPoint {
    scenario: string;
    design: string;
    /** Highest rate tried that passed (Mbit/s), or null when even the lowest failed. */
    passMbps: number | null;
    /** Lowest rate tried that failed, or null when even the highest passed. */
    failMbps: number | null;
    tried: Array<{ mbps: number; ok: boolean }>;
}

export interface Results {
    date: string;
    machine: { cpus: number; model: string; loadAverage: number[]; node: string };
    options: { quick: boolean; board: string };
    rows: Row[];
    breaks: BreakPoint[];
    peers: Array<{ name: string; status: string }>;
    traceMbps: number;
    traces: Array<{ scenario: string; design: string; stalls: boolean; points: Array<{ t: number; dev: number }>; stallTimes: number[] }>;
    budget: { sendPath: SendPathCost[]; heap: HeapDrift; pools: PoolFigures[]; code: CodeSize[] };
    targets: Targets;
}

/** Aggregate rate as stereo L16 streams of at most 192 kHz, all alike (so one clock rate describes every stream). */
export function rateLevel(mbps: number): Level {
    const n = Math.max(1, Math.ceil(mbps / 6.144));
    const rate = Math.max(1000, Math.round((mbps * 1e6) / (32 * n)));
    return level(Array.from({ length: n }, () => ({ rate, channels: 2 })));
}

interface Scenario {
    name: string;
    board: Board;
    real: boolean;
    storage: "blocking" | "async";
    /** Card costs for a board without SD figures. */
    card?: { bytesPerSecond: number; overheadUs: number };
}

export async function runBench(o: BenchOptions): Promise<Results> {
    const board = loadBoard(o.board);
    const host = loadBoard("host");
    const q = o.quick;
    const vSeconds = q ? 1.2 : 4;
    const rSeconds = q ? 1 : 3;
    const scenarios: Scenario[] = [
        { name: `virtual, ${board.id} (SD ${board.sd ? "blocking" : "async"})`, board, real: false, storage: board.sd ? "blocking" : "async" },
        // The seed's data came from memory: the host board's timing with a fast card shows the design where reads keep up.
        { name: "virtual, host timing, fast card", board: host, real: false, storage: "async", card: { bytesPerSecond: 20e6, overheadUs: 300 } },
        { name: "real time, host board, loopback", board: host, real: true, storage: "async" },
    ];
    const witness = realTimeSetup(o.work);
    const rows: Row[] = [];
    const traces: Results["traces"] = [];
    const traceLevel = FIXED_LEVELS[0];

    const measure = async (s: Scenario, design: "two-task" | "sequential", stalls: boolean, l: Level, short = false): Promise<Row> => {
        o.progress(`${s.name}: ${design}${stalls ? " + stalls" : ""} at ${l.mbps.toFixed(2)} Mbit/s`);
        // Break searches run shorter media: without stalls a fault shows within a couple of seconds.
        const seconds = Math.min(s.real ? rSeconds : vSeconds, short ? 2 : Infinity);
        const r = s.real
            ? await runRingcastReal(s.board, design, stalls, l, seconds, o.work, witness.capture, witness.realTime)
            : { ...runVirtual({ board: s.board, mode: design, stalls, level: l, seconds, storage: s.storage, card: s.card }), expected: packetsIn(l, seconds) };
        if (stalls && l === traceLevel) traces.push({ scenario: s.name, design, stalls, points: r.trace, stallTimes: r.stallTimes });
        const ok = r.dropped === 0 && r.lost === 0 && r.packets >= r.expected && r.maxDevUs <= s.board.timing.sendPeriodUs;
        const { trace: _t, perStream: _p, stallTimes: _s, ...fig } = r as typeof r & { perStream?: unknown };
        return { ...(fig as Figures), scenario: s.name, design, stalls, mbps: l.mbps, streams: l.streams.length, expected: r.expected, dropped: r.dropped, ok };
    };

    const levels = q ? FIXED_LEVELS.slice(0, 2) : FIXED_LEVELS;
    for (const s of scenarios) {
        for (const l of s.real && q ? levels.slice(0, 1) : levels) for (const design of ["two-task", "sequential"] as const) for (const stalls of [false, true]) rows.push(await measure(s, design, stalls, l));
    }

    // Break points: geometric bisection between 0.1 and 100 Mbit/s (30 when quick) without stalls.
    const breaks: BreakPoint[] = [];
    const steps = q ? 1 : 6;
    for (const s of scenarios.filter(x => !x.real || !q)) {
        for (const design of s.real ? (["two-task"] as const) : (["two-task", "sequential"] as const)) {
            const tried: BreakPoint["tried"] = [];
            const pass = async (mbps: number): Promise<boolean> => {
                const ok = (await measure(s, design, false, rateLevel(mbps), true)).ok;
                tried.push({ mbps: rateLevel(mbps).mbps, ok });
                return ok;
            };
            let lo = 0.1;
            let hi = q ? 30 : 100;
            let passMbps: number | null = null;
            let failMbps: number | null = null;
            if (!(await pass(lo))) failMbps = rateLevel(lo).mbps;
            else if (await pass(hi)) passMbps = rateLevel(hi).mbps;
            else {
                passMbps = rateLevel(lo).mbps;
                failMbps = rateLevel(hi).mbps;
                for (let i = 0; i < (s.real ? Math.min(steps, 4) : steps); i++) {
                    const mid = Math.sqrt(lo * hi);
                    if (await pass(mid)) (lo = mid), (passMbps = rateLevel(mid).mbps);
                    else (hi = mid), (failMbps = rateLevel(mid).mbps);
                }
            }
            breaks.push({ scenario: s.name, design, passMbps, failMbps, tried });
        }
    }

    // Peers: the same files, the same receiver and figures; only in real time, without stalls (they read the files directly).
    // They cut their own packets, so what they should have sent is what their sequence numbers span (received + lost).
    const peers: Results["peers"] = [];
    for (const name of ["gstreamer", "ffmpeg"] as PeerName[]) {
        if (!peerProgram(name)) {
            peers.push({ name, status: "not installed" });
            continue;
        }
        peers.push({ name, status: "measured" });
        for (const l of q ? levels.slice(0, 1) : levels) {
            o.progress(`real time, ${name}: ${l.mbps.toFixed(2)} Mbit/s`);
            const r = await runPeerReal(name, l, rSeconds, path.join(o.work, name), witness.capture, witness.realTime);
            const { trace: _t, perStream: _p, stallTimes: _s, ...fig } = r as typeof r & { perStream?: unknown };
            rows.push({ ...(fig as Figures), scenario: scenarios[2].name, design: name, stalls: false, mbps: l.mbps, streams: l.streams.length, expected: r.packets + r.lost, dropped: 0, ok: r.lost === 0 && r.maxDevUs <= host.timing.sendPeriodUs });
        }
    }

    const targets = await runTargets(o, witness);

    o.progress("board budget: send path, pool, heap drift, code size");
    const budget = {
        sendPath: [sendPathCost(board, SPEECH, q ? 1 : 4), sendPathCost({ ...board, luaVersion: board.luaVersion === "5.3" ? "5.1" : "5.3" }, SPEECH, q ? 1 : 4), sendPathCost(host, FIXED_LEVELS[0], q ? 1 : 4)],
        heap: heapDrift(board, SPEECH, q ? 0.25 : 10),
        pools: (q ? [board.id, "host"] : ["host", ...require("../boards").boardIds().filter((id: string) => id !== "host")]).map((id: string) => poolFigures(loadBoard(id))),
        code: codeSizes(q ? [board.id] : undefined),
    };
    const cpus = os.cpus();
    return {
        date: new Date().toISOString().slice(0, 10),
        machine: { cpus: cpus.length, model: cpus[0]?.model ?? "", loadAverage: os.loadavg().map(x => Math.round(x * 100) / 100), node: process.version },
        options: { quick: q, board: board.id },
        rows,
        breaks,
        peers,
        traceMbps: traceLevel.mbps,
        traces,
        budget,
        targets,
    };
}
