// Bench fixture (compiled to Lua): a stream manager on a full board description, streams to UDP ports, counters, pool figures.
import type { Board } from "../../boards/board";
import { createHostHal } from "../../hal/host/hal";
import { Scheduler } from "../../firmware/kernel/scheduler";
import { PacketSink, StreamView } from "../../firmware/stream/control";
import { SendMode, StreamManager } from "../../firmware/stream/manager";

// Lua's collector, declared here too so that the Node-side type check (which has no Lua types) accepts this file.
declare function collectgarbage(this: void, opt: "collect" | "count"): number;

export interface BenchRig {
    manager: StreamManager;
    streams: StreamView[];
    refusals: string[];
    ended: string[];
    /** While true, sinks drop packets before the HAL: the budget window then counts the firmware's send path only. */
    quiet: boolean;
}

export function rig(board: Board, mode: SendMode): BenchRig {
    const hal = createHostHal();
    const manager = new StreamManager(hal, board, new Scheduler(hal), mode);
    const r: BenchRig = { manager, streams: [], refusals: [], ended: [], quiet: false };
    manager.setOnEnded((s, reason) => r.ended.push(`${s.path}: ${reason}`));
    return r;
}

/** Opens `path` towards `address`:`port` (RTCP to port + 1); plays it at once when admitted, unless `play` is false. */
export function openAndPlay(r: BenchRig, path: string, address: string, port: number, play = true): void {
    const socket = r.manager.hal.createUdpSocket({ port: 0 });
    const sink: PacketSink = {
        sendRtp: (packet, departUs) => (r.quiet ? true : socket.send(port, address, packet, departUs)),
        sendRtcp: packet => (r.quiet ? true : socket.send(port + 1, address, packet)),
    };
    r.manager.open(path, sink, 0, (stream, refusal) => {
        if (stream !== undefined) {
            r.streams.push(stream);
            if (play) r.manager.play(stream);
        } else if (refusal !== undefined) {
            r.refusals.push(`${path}: ${refusal.code} ${refusal.reason}`);
        }
    });
}

/** Plays every admitted stream now (after their sockets are bound, on a real network). */
/** Plays the admitted stream number `i` (1-based, in admission order). */
export function playOne(r: BenchRig, i: number): void {
    r.manager.play(r.streams[i - 1]);
}

export interface Counters {
    sent: number;
    dropped: number;
    sendErrors: number;
    ssrc: number;
    state: string;
}

export function counters(r: BenchRig): Counters[] {
    const out: Counters[] = [];
    for (const s of r.streams) out.push({ sent: s.packetsSent, dropped: s.dropped, sendErrors: s.sendErrors, ssrc: s.ssrc, state: s.state });
    return out;
}

/** The pool as built at boot, what admission took from it, and the bytes one storage read moves. */
export function pool(r: BenchRig): { buffers: number; bufferBytes: number; free: number; readBytes: number } {
    const p = r.manager.pool;
    return { buffers: p.total, bufferBytes: r.manager.board.budget.bufferBytes, free: p.available, readBytes: r.manager.readBytes };
}

/** Heap in KiB after two full collections (the second frees what finalisers of the first left). */
export function heapKiB(): number {
    collectgarbage("collect");
    collectgarbage("collect");
    return collectgarbage("count");
}
