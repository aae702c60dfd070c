// A stream's virtual ring buffer over its reserved pool buffers: the disk side exchanges full for empty, the send side drains.
import { PoolBuffer } from "./buffer-pool";

export class Ring {
    /** Index of the buffer the send side is draining. */
    private head = 0;
    /** Buffers holding data not yet sent. */
    private full = 0;

    constructor(readonly buffers: PoolBuffer[]) {}

    get size(): number {
        return this.buffers.length;
    }

    get fullCount(): number {
        return this.full;
    }

    /** The buffer the disk side may fill next, or undefined when every buffer holds unsent data. */
    emptyBuffer(): PoolBuffer | undefined {
        if (this.full >= this.buffers.length) return undefined;
        return this.buffers[(this.head + this.full) % this.buffers.length];
    }

    /**
     * Disk side: hands over the buffer it filled (it must be emptyBuffer()) and gets the next empty one back in the same
     * step, so the producer's reserve never shrinks: the exchange of seed 001, with Lua references for page mappings.
     */
    exchange(filled: PoolBuffer): PoolBuffer | undefined {
        if (filled !== this.emptyBuffer()) error("ring: exchange of a buffer that is not the ring's empty one");
        this.full++;
        return this.emptyBuffer();
    }

    /** Send side: the buffer being drained, or undefined when the ring ran dry. */
    current(): PoolBuffer | undefined {
        return this.full > 0 ? this.buffers[this.head] : undefined;
    }

    /** Send side: the current buffer is finished; it becomes empty again. */
    release(): void {
        if (this.full === 0) return;
        this.buffers[this.head].clear();
        this.head = (this.head + 1) % this.buffers.length;
        this.full--;
    }

    /** Drops everything (seek, stop). */
    reset(): void {
        while (this.full > 0) this.release();
        this.head = 0;
    }

    /** Media ticks buffered ahead of the send point. */
    bufferedTicks(): number {
        let t = 0;
        for (let k = 0; k < this.full; k++) {
            const b = this.buffers[(this.head + k) % this.buffers.length];
            for (let i = b.next; i < b.count; i++) t += b.ticks[i];
        }
        return t;
    }
}
