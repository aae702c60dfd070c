// The shared memory between the board's thread and the departure thread: a ring of datagram slots and a write counter.

/** Enough for the send lead's worth of datagrams at the highest rates benchmarked (10 ms of 200 Mbit/s is ~180). */
export const SLOTS = 1024;
const ADDRESS_BYTES = 64;
export const DATA_BYTES = 2048;
const SLOT_BYTES = ADDRESS_BYTES + DATA_BYTES;
const CTRL = 4; // written, stop
const META = 4; // socket id, port, data length, address length

/**
 * performance.now() runs from each thread's own start; CLOCK_MONOTONIC (hrtime) is the same in every thread. This is the
 * offset from the first to the second, taken over a few reads to keep the gap between the two reads out of it.
 */
export function monotonicOffsetMs(): number {
    let best = Infinity;
    let offset = 0;
    for (let i = 0; i < 5; i++) {
        const a = performance.now();
        const mono = Number(process.hrtime.bigint()) / 1e6;
        const b = performance.now();
        if (b - a < best) {
            best = b - a;
            offset = mono - (a + b) / 2;
        }
    }
    return offset;
}

/** Views of the shared buffer. A slot is free (state 0) or holds one datagram waiting to leave (state 1). */
export class Layout {
    readonly ctrl: Int32Array;
    readonly state: Int32Array;
    readonly meta: Int32Array;
    /** Departure time of each slot, ms on CLOCK_MONOTONIC. */
    readonly times: Float64Array;
    readonly bytes: Buffer;
    private lastAddress = "";

    static bytes(): number {
        return 8 * SLOTS + 4 * (CTRL + SLOTS + META * SLOTS) + SLOT_BYTES * SLOTS;
    }

    constructor(readonly buffer: SharedArrayBuffer) {
        let o = 0;
        this.times = new Float64Array(buffer, o, SLOTS);
        o += 8 * SLOTS;
        this.ctrl = new Int32Array(buffer, o, CTRL);
        o += 4 * CTRL;
        this.state = new Int32Array(buffer, o, SLOTS);
        o += 4 * SLOTS;
        this.meta = new Int32Array(buffer, o, META * SLOTS);
        o += 4 * META * SLOTS;
        this.bytes = Buffer.from(buffer, o, SLOT_BYTES * SLOTS);
    }

    /** Writes a datagram into a free slot; false if the slot is still taken or the datagram does not fit. */
    put(slot: number, atMonoMs: number, socketId: number, port: number, address: string, data: Uint8Array): boolean {
        if (Atomics.load(this.state, slot) !== 0 || data.length > DATA_BYTES || address.length > ADDRESS_BYTES) return false;
        const base = slot * SLOT_BYTES;
        const addressLength = this.bytes.write(address, base, ADDRESS_BYTES, "latin1");
        this.bytes.set(data, base + ADDRESS_BYTES);
        this.times[slot] = atMonoMs;
        const m = slot * META;
        this.meta[m] = socketId;
        this.meta[m + 1] = port;
        this.meta[m + 2] = data.length;
        this.meta[m + 3] = addressLength;
        Atomics.store(this.state, slot, 1);
        return true;
    }

    /** Makes slots up to `written` visible and wakes the departure thread if it waits. */
    publish(written: number): void {
        Atomics.store(this.ctrl, 0, written);
        Atomics.notify(this.ctrl, 0);
    }

    written(): number {
        return Atomics.load(this.ctrl, 0);
    }

    stop(): void {
        Atomics.store(this.ctrl, 1, 1);
        Atomics.notify(this.ctrl, 0);
    }

    stopped(): boolean {
        return Atomics.load(this.ctrl, 1) === 1;
    }

    socketOf(slot: number): number {
        return this.meta[slot * META];
    }
    portOf(slot: number): number {
        return this.meta[slot * META + 1];
    }
    lengthOf(slot: number): number {
        return this.meta[slot * META + 2];
    }
    /** Where the slot's data starts in `bytes`. */
    dataOffset(slot: number): number {
        return slot * SLOT_BYTES + ADDRESS_BYTES;
    }
    /** The slot's destination address; the same text as the last slot's is not decoded again (no garbage per packet). */
    addressOf(slot: number): string {
        const base = slot * SLOT_BYTES;
        const length = this.meta[slot * META + 3];
        const last = this.lastAddress;
        if (length === last.length) {
            let same = true;
            for (let i = 0; i < length; i++) {
                if (this.bytes[base + i] !== last.charCodeAt(i)) {
                    same = false;
                    break;
                }
            }
            if (same) return last;
        }
        return (this.lastAddress = this.bytes.toString("latin1", base, base + length));
    }

    free(slot: number): void {
        Atomics.store(this.state, slot, 0);
    }
}
