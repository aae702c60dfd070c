// Fixed-size latency histogram (log2 buckets in µs): percentiles without allocating per sample.

const BUCKETS = 24; // 2^23 µs ≈ 8.4 s is plenty for lateness

export class LatencyHistogram {
    count = 0;
    sumUs = 0;
    maxUs = 0;
    readonly buckets: number[] = [];

    constructor() {
        for (let i = 0; i < BUCKETS; i++) this.buckets.push(0);
    }

    add(us: number): void {
        if (us < 0) us = 0;
        this.count++;
        this.sumUs += us;
        if (us > this.maxUs) this.maxUs = us;
        let b = 0;
        let edge = 1;
        while (us >= edge && b < BUCKETS - 1) {
            b++;
            edge *= 2;
        }
        this.buckets[b]++;
    }

    meanUs(): number {
        return this.count > 0 ? this.sumUs / this.count : 0;
    }

    /** Upper edge in µs of the bucket holding the given fraction (0..1) of samples. */
    percentileUs(fraction: number): number {
        if (this.count === 0) return 0;
        const want = fraction * this.count;
        let seen = 0;
        let edge = 1;
        for (let b = 0; b < BUCKETS; b++) {
            seen += this.buckets[b];
            if (seen >= want) return b === 0 ? 0 : Math.min(edge, this.maxUs);
            edge *= 2;
        }
        return this.maxUs;
    }

    reset(): void {
        this.count = 0;
        this.sumUs = 0;
        this.maxUs = 0;
        for (let i = 0; i < BUCKETS; i++) this.buckets[i] = 0;
    }
}
