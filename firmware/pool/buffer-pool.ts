// The buffer pool (seed 001): every buffer is created at boot; streams reserve their share at admission or are refused.

/** One pool buffer: the packet payloads of one storage read, and where the sender is in them. */
export class PoolBuffer {
    /** Payload strings; slots are reused, never added after boot beyond the capacity fixed here. */
    readonly payloads: string[] = [];
    /** RTP clock ticks each payload lasts. */
    readonly ticks: number[] = [];
    /** Payloads filled by the disk side. */
    count = 0;
    /** Next payload the send side will take. */
    next = 0;
    /** Media position (RTP ticks from the stream's start) of payloads[0]. */
    startTicks = 0;

    constructor(capacity: number) {
        for (let i = 0; i < capacity; i++) {
            this.payloads.push("");
            this.ticks.push(0);
        }
    }

    get capacity(): number {
        return this.payloads.length;
    }

    /** Forgets the payloads so their strings can be collected; keeps the slots. */
    clear(): void {
        for (let i = 0; i < this.count; i++) this.payloads[i] = "";
        this.count = 0;
        this.next = 0;
    }
}

export class BufferPool {
    private readonly free: PoolBuffer[] = [];
    readonly total: number;

    /**
     * @param count buffers to create now (poolBytes / bufferBytes)
     * @param packetsPerBuffer payload slots per buffer: enough for the smallest packets a buffer can hold
     */
    constructor(readonly bufferBytes: number, count: number, readonly packetsPerBuffer: number) {
        for (let i = 0; i < count; i++) this.free.push(new PoolBuffer(packetsPerBuffer));
        this.total = count;
    }

    get available(): number {
        return this.free.length;
    }

    /** Takes n buffers for a stream, all or none. */
    reserve(n: number, into: PoolBuffer[]): boolean {
        if (n > this.free.length) return false;
        for (let i = 0; i < n; i++) into.push(this.free.pop()!);
        return true;
    }

    /** Gives a stream's buffers back. */
    release(buffers: PoolBuffer[]): void {
        for (const b of buffers) {
            b.clear();
            this.free.push(b);
        }
        buffers.length = 0;
    }
}
