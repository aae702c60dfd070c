// Virtual-time runs: a board's tick, periods and SD costs simulated; departures taken off the simulated wire, not the sender's log.
import type { Board } from "../../boards/board";
import { decodeRtp } from "../probe/packets";
import { SimNetwork } from "../harness/network";
import { CardFiles, StorageModel } from "../harness/storage";
import { startBench, sweepBoard } from "./board";
import { fileName, Level, levelFiles } from "./media";
import { Arrival, figures, Figures, traceOf } from "./metrics";

export const STALL_US = 100_000;
export const BASE_PORT = 21000;

export interface RunSpec {
    board: Board;
    mode: "two-task" | "sequential";
    stalls: boolean;
    level: Level;
    seconds: number;
    /** How storage answers: "blocking" holds the one Lua task for the read (NodeMCU's file.read), "async" overlaps it. */
    storage: "blocking" | "async";
    /** Card costs when the board has no SD figures (the host board): bytes per second and µs per read. */
    card?: { bytesPerSecond: number; overheadUs: number };
}

export interface RunResult extends Figures {
    sent: number;
    dropped: number;
    refused: string[];
    stallsInjected: number;
    trace: Array<{ t: number; dev: number }>;
    stallTimes: number[];
}

/** The board's card: its SD rate and per-read overhead; with stalls, the first read starting in each second waits 100 ms more. */
export function cardModel(board: Board, mode: "blocking" | "async", stalls: boolean, stallTimes: number[], card?: RunSpec["card"]): StorageModel {
    let lastSecond = -1;
    return {
        mode,
        bytesPerSecond: board.sd?.readBytesPerSecond ?? card?.bytesPerSecond ?? 0,
        overheadUs: board.sd?.readOverheadUs ?? card?.overheadUs ?? 0,
        stallUs: (t: number) => {
            const second = Math.floor(t / 1e6);
            if (!stalls || second === lastSecond) return 0;
            lastSecond = second;
            stallTimes.push(t);
            return STALL_US;
        },
    };
}

export function runVirtual(spec: RunSpec): RunResult {
    const net = new SimNetwork(false);
    const ports = new Map<number, Arrival[]>();
    spec.level.streams.forEach((_s, i) => ports.set(BASE_PORT + 2 * i, []));
    net.onDeparture = d => {
        const list = ports.get(d.port);
        if (!list) return;
        const p = decodeRtp(d.data);
        if (p) list.push({ ssrc: p.ssrc, seq: p.sequenceNumber, timestamp: p.timestamp, atNs: d.atUs * 1000 });
    };
    const stallTimes: number[] = [];
    const board = sweepBoard(spec.board);
    const host = startBench(
        { board, clock: "virtual", network: net, card: new CardFiles(levelFiles(spec.level, spec.seconds)), storage: cardModel(board, spec.storage, spec.stalls, stallTimes, spec.card) },
        spec.mode,
    );
    try {
        const opens = spec.level.streams.map((s, i) => `F.openAndPlay(R, "${fileName(s, i)}", "127.0.0.1", ${BASE_PORT + 2 * i})`).join("\n");
        host.exec(opens);
        // Long enough for every stream to end even when the baseline slips by a stall each second.
        const endUs = (spec.seconds * 1e6) * 1.5 + 2e6;
        for (let t = 0; t < endUs; t += 250_000) {
            host.world.runUntil(t);
            if (host.evaluate<number>(`#R.ended`) === spec.level.streams.length) break;
        }
        if (host.fault) throw host.fault;
        const counters = host.evaluate<Array<{ sent: number; dropped: number }>>(`F.counters(R)`);
        const refused = host.evaluate<string[]>(`R.refusals`) ?? [];
        const series = spec.level.streams.map((s, i) => ({ clockRate: s.rate, arrivals: ports.get(BASE_PORT + 2 * i)! }));
        const f = figures(series);
        const first = f.perStream[0];
        const t0 = first?.atNs[0] ?? 0;
        return {
            ...f,
            sent: counters.reduce((a, c) => a + c.sent, 0),
            dropped: counters.reduce((a, c) => a + c.dropped, 0),
            refused: Array.isArray(refused) ? refused : [],
            stallsInjected: stallTimes.length,
            trace: first ? traceOf(first.atNs, first.devUs) : [],
            stallTimes: stallTimes.map(us => (us * 1000 - t0) / 1e9).filter(t => t >= 0),
        };
    } finally {
        host.close();
    }
}
