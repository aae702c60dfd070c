// Datagrams held until their departure time (a launch time, as Linux's SO_TXTIME), released by the real-time loop.
import type * as dgram from "dgram";

interface Held {
    atUs: number;
    socket: dgram.Socket | undefined;
    data: Buffer | undefined;
    port: number;
    address: string;
}

/** What the real-time loop asks of the wire: when the next datagram leaves, and to send those that are due. */
export interface Wire {
    /** Departure time of the earliest held datagram (board µs), or Infinity. */
    nextUs(): number;
    /** Sends every held datagram whose time has come, in departure order. */
    departDue(nowUs: number): void;
}

/**
 * The held datagrams in departure order (ties in arrival order), in records made once: the firmware hands a packet over
 * up to its send lead ahead, so a few are held at a time, and holding or releasing one allocates nothing.
 */
export class DepartureQueue implements Wire {
    private readonly held: Held[] = [];
    private readonly spare: Held[] = [];
    private count = 0;
    /** Set by the real-time loop that releases datagrams; until then nothing is held (virtual time sends at once). */
    driven = false;

    constructor(
        private readonly send: (socket: dgram.Socket, data: Buffer, port: number, address: string) => void,
        /** Below the network's ring of send slots (256), so a held datagram's slot is never reused under it. */
        readonly capacity = 128,
    ) {
        for (let i = 0; i < capacity; i++) this.held.push({ atUs: 0, socket: undefined, data: undefined, port: 0, address: "" });
    }

    get size(): number {
        return this.count;
    }

    /** Holds a datagram until `atUs`; false if the queue is not driven or full (the caller sends at once). */
    hold(atUs: number, socket: dgram.Socket, data: Buffer, port: number, address: string): boolean {
        if (!this.driven || this.count === this.capacity) return false;
        const h = this.held;
        let i = this.count++;
        const r = h[i];
        r.atUs = atUs;
        r.socket = socket;
        r.data = data;
        r.port = port;
        r.address = address;
        // Insertion from the back: packets mostly arrive in departure order, so this rarely moves anything.
        while (i > 0 && h[i - 1].atUs > atUs) {
            h[i] = h[i - 1];
            h[i - 1] = r;
            i--;
        }
        return true;
    }

    nextUs(): number {
        return this.count > 0 ? this.held[0].atUs : Infinity;
    }

    departDue(nowUs: number): void {
        const h = this.held;
        let n = 0;
        while (n < this.count && h[n].atUs <= nowUs) {
            const r = h[n++];
            this.send(r.socket!, r.data!, r.port, r.address);
            r.socket = undefined;
            r.data = undefined;
        }
        if (n > 0) this.shift(n);
    }

    /** Sends everything held at once (the board is stopping). */
    flush(): void {
        this.departDue(Infinity);
    }

    /** Forgets datagrams of a closed socket. */
    drop(socket: dgram.Socket): void {
        const h = this.held;
        let w = 0;
        for (let i = 0; i < this.count; i++) {
            const r = h[i];
            if (r.socket === socket) {
                r.socket = undefined;
                r.data = undefined;
                continue;
            }
            // Keep order: move the kept record to the write position, the dropped one behind it.
            h[i] = h[w];
            h[w++] = r;
        }
        this.count = w;
    }

    /** Moves the first n (sent) records behind the rest, keeping the rest in order. */
    private shift(n: number): void {
        const h = this.held;
        const spare = this.spare;
        for (let i = 0; i < n; i++) spare[i] = h[i];
        for (let i = n; i < this.count; i++) h[i - n] = h[i];
        this.count -= n;
        for (let i = 0; i < n; i++) h[this.count + i] = spare[i];
    }
}
