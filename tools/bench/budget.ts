// The board budget: VM instructions and bytes allocated per packet on the send path, pool per board, heap drift, code size.
import * as path from "path";
import type { Board } from "../../boards/board";
import { buildFirmware, ROOT } from "../build";
import { boardIds, loadBoard } from "../boards";
import { SimNetwork } from "../harness/network";
import { CardFiles } from "../harness/storage";
import { startBench } from "./board";
import { fileName, Level, level, levelFiles } from "./media";

const CD = level([{ rate: 44100, channels: 2 }]);
/** Wideband speech (16 kHz mono L16, 256 kbit/s): a stream every board admits and keeps up with, for its own budget. */
export const SPEECH = level([{ rate: 16000, channels: 1 }]);
const FAST_CARD = { mode: "async" as const, bytesPerSecond: 20e6, overheadUs: 300 };

/**
 * Wraps sendDue before the network task captures it: inside a measured window each call runs under an exact count hook
 * (one tick per VM instruction) with the collector stopped, so heap growth is what the send path allocated.
 */
const INSTRUMENT = `
local debug = package.loaded.debug -- the harness hides the global from firmware; the measurement needs it
local sp = require("firmware.net.send-path")
local orig = sp.sendDue
BUDGET = { on = false, instructions = 0, kib = 0, packets = 0, sent = 0, calls = 0 }
local B, n = BUDGET, 0
local function tick() n = n + 1 end
local function empty() end
local function measured(f, ...)
  local k0 = collectgarbage("count")
  n = 0
  debug.sethook(tick, "", 1)
  local r = f(...)
  debug.sethook()
  local spent = n
  n = 0
  debug.sethook(tick, "", 1)
  empty()
  debug.sethook()
  B.instructions = B.instructions + spent - n
  B.kib = B.kib + collectgarbage("count") - k0
  return r
end
sp.sendDue = function(e, now, tol, lead)
  if not B.on then return orig(e, now, tol, lead) end
  local before, sent = e.packetsSent + e.dropped, e.packetsSent
  local r = measured(orig, e, now, tol, lead)
  B.packets = B.packets + e.packetsSent + e.dropped - before
  B.sent = B.sent + e.packetsSent - sent
  B.calls = B.calls + 1
  return r
end`;

export interface SendPathCost {
    lua: string;
    media: string;
    /** Packets sent (not dropped) in the window: the figures are per packet handled, sent or dropped. */
    sent: number;
    instructionsPerPacket: number;
    bytesPerPacket: number;
    packets: number;
}

/** One stream of `media` on `board` (its own limits) with a fast card: 1 s warm-up, then `seconds` measured, sinks quiet. */
export function sendPathCost(board: Board, media: Level, seconds: number): SendPathCost {
    const host = startBench({ board, clock: "virtual", network: new SimNetwork(false), card: new CardFiles(levelFiles(media, seconds + 3)), storage: FAST_CARD }, "two-task", INSTRUMENT);
    try {
        host.exec(`F.openAndPlay(R, "${fileName(media.streams[0], 0)}", "127.0.0.1", 20000)`);
        host.world.runUntil(1e6);
        host.exec(`R.quiet = true collectgarbage("stop") BUDGET.on = true`);
        host.world.runUntil((1 + seconds) * 1e6);
        host.exec(`BUDGET.on = false collectgarbage("restart") R.quiet = false`);
        if (host.fault) throw host.fault;
        const b = host.evaluate<{ instructions: number; kib: number; packets: number; sent: number }>(`BUDGET`);
        return { lua: board.luaVersion, media: `${media.streams[0].rate / 1000} kHz ${media.streams[0].channels} ch`, sent: b.sent, instructionsPerPacket: b.instructions / b.packets, bytesPerPacket: (b.kib * 1024) / b.packets, packets: b.packets };
    } finally {
        host.close();
    }
}

export interface HeapDrift {
    minutes: number;
    warmKiB: number;
    lastKiB: number;
    driftKiB: number;
    packets: number;
}

/** One stream for `minutes` of virtual time on the board as configured: heap after full collections, first sample to last. */
export function heapDrift(board: Board, media: Level, minutes: number): HeapDrift {
    const net = new SimNetwork(false);
    const host = startBench({ board, clock: "virtual", network: net, card: new CardFiles(levelFiles(media, minutes * 60 + 5)), storage: FAST_CARD }, "two-task");
    try {
        host.exec(`F.openAndPlay(R, "${fileName(media.streams[0], 0)}", "127.0.0.1", 20000)`);
        const samples: number[] = [];
        const step = (minutes * 60e6) / 10;
        for (let i = 1; i <= 10; i++) {
            host.world.runUntil(i * step);
            samples.push(host.evaluate<number>(`F.heapKiB()`));
        }
        if (host.fault) throw host.fault;
        return { minutes, warmKiB: samples[0], lastKiB: samples[9], driftKiB: samples[9] - samples[0], packets: net.sent };
    } finally {
        host.close();
    }
}

export interface PoolFigures {
    board: string;
    poolBytes: number;
    buffers: number;
    bufferBytes: number;
    readBytes: number;
    /** Buffers one CD stream reserved, and how many CD streams the board admits (its own limits, not lifted). */
    cdBuffers: number | null;
    cdStreams: number;
    refusal: string;
}

export function poolFigures(board: Board): PoolFigures {
    const files = levelFiles(CD, 1);
    const host = startBench({ board, clock: "virtual", network: new SimNetwork(false), card: new CardFiles(files), storage: FAST_CARD }, "two-task");
    try {
        const name = fileName(CD.streams[0], 0);
        host.exec(`for i = 1, ${board.budget.maxStreams + 1} do F.openAndPlay(R, "${name}", "127.0.0.1", 20000 + 2 * i, false) end`);
        host.world.runUntil(1e6);
        const p = host.evaluate<{ buffers: number; bufferBytes: number; free: number; readBytes: number }>(`F.pool(R)`);
        const admitted = host.evaluate<number>(`#R.streams`);
        const refusals = host.evaluate<string[]>(`R.refusals`);
        return {
            board: board.id,
            poolBytes: board.budget.poolBytes,
            buffers: p.buffers,
            bufferBytes: p.bufferBytes,
            readBytes: p.readBytes,
            cdBuffers: admitted > 0 ? (p.buffers - p.free) / admitted : null,
            cdStreams: admitted,
            refusal: Array.isArray(refusals) && refusals.length > 0 ? refusals[0].replace(/^[^:]*: /, "") : "",
        };
    } finally {
        host.close();
    }
}

export interface CodeSize {
    board: string;
    lua: string;
    bundleBytes: number;
    codeBytes: number;
}

/** Bundle size per board; boards of one platform and Lua version share a bundle, so each such pair is built once. */
export function codeSizes(ids: string[] = boardIds()): CodeSize[] {
    const built = new Map<string, number>();
    return ids.map(id => {
        const board = loadBoard(id);
        const key = `${board.platform}-${board.luaVersion}`;
        if (!built.has(key)) {
            const r = buildFirmware({ board, outDir: path.join(ROOT, "dist", "bench-size", key) });
            built.set(key, r.files.find(f => f.name === "ringcast.lua")?.bytes ?? r.totalBytes);
        }
        return { board: id, lua: board.luaVersion, bundleBytes: built.get(key)!, codeBytes: board.budget.codeBytes };
    });
}
