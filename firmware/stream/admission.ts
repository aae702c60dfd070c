// Admission control (seed 001): a stream gets its buffers and bandwidth reserved up front, or is refused with the reason.
import type { Board } from "../../boards/board";
import { Packetizer } from "../protocol/media";
import { BufferPool } from "../pool/buffer-pool";
import { StreamRefusal } from "./control";
import { StreamTable } from "./entry";

/** IPv4 + UDP + RTP header bytes added to every payload. */
const PACKET_OVERHEAD_BYTES = 20 + 8 + 12;

export interface Reservation {
    buffers: number;
    bitsPerSecond: number;
}

/** Bits per second on the wire: payload rate plus per-packet headers. */
export function wireBitsPerSecond(pz: Packetizer): number {
    const packetsPerSecond = (pz.media.clockRate / pz.packetTicks);
    return pz.media.bitsPerSecond + packetsPerSecond * PACKET_OVERHEAD_BYTES * 8;
}

/**
 * Buffers a stream needs: enough media for the read-ahead window plus two read periods (one being sent from, one being
 * read), and at least two so that the disk side always has an empty buffer to exchange.
 */
export function buffersNeeded(board: Board, pz: Packetizer): number {
    const bytesPerSecond = pz.media.bitsPerSecond / 8;
    const windowUs = board.timing.readAheadUs + 2 * board.timing.readPeriodUs;
    const readBytes = pz.pieceLength * pz.piecesPerRead;
    const n = Math.floor((bytesPerSecond * windowUs) / 1000000 / readBytes) + 2;
    return n;
}

export function admit(board: Board, pool: BufferPool, table: StreamTable, pz: Packetizer): LuaMultiReturn<[Reservation, undefined] | [undefined, StreamRefusal]> {
    if (table.rows.length >= board.budget.maxStreams) {
        return $multi(undefined, { code: 453, reason: `too many streams (the board serves ${board.budget.maxStreams})` });
    }
    if (pz.maxPacketsPerRead > pool.packetsPerBuffer) {
        return $multi(undefined, { code: 415, reason: "packets too small for the pool's buffers" });
    }
    const bps = wireBitsPerSecond(pz);
    const inUse = table.reservedBps();
    if (inUse + bps > board.budget.maxBitsPerSecond) {
        return $multi(undefined, {
            code: 453,
            reason: `bandwidth exceeded: ${Math.floor(bps)} bit/s asked, ${Math.floor(board.budget.maxBitsPerSecond - inUse)} bit/s left`,
        });
    }
    const buffers = buffersNeeded(board, pz);
    if (buffers > pool.available) {
        return $multi(undefined, { code: 453, reason: `buffer pool exhausted: ${buffers} buffers asked, ${pool.available} free` });
    }
    return $multi({ buffers, bitsPerSecond: bps }, undefined);
}
