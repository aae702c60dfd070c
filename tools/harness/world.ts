// The host board's clock and event queue: virtual time (discrete events, deterministic) or real time (precise wall clock).

export type ClockMode = "virtual" | "real";

/** Below this many µs to the next event the real-time loop spins without yielding (an event-loop turn costs ~10-50 µs). */
const SPIN_TIGHT_US = 60;

interface Pending {
    atUs: number;
    seq: number;
    fn: () => void;
    cancelled: boolean;
}

/** A min-heap of timed callbacks ordered by (time, insertion). */
class EventHeap {
    private items: Pending[] = [];
    get size(): number {
        return this.items.length;
    }
    peek(): Pending | undefined {
        return this.items[0];
    }
    push(p: Pending): void {
        const a = this.items;
        a.push(p);
        let i = a.length - 1;
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (!less(a[i], a[parent])) break;
            [a[i], a[parent]] = [a[parent], a[i]];
            i = parent;
        }
    }
    pop(): Pending | undefined {
        const a = this.items;
        if (a.length === 0) return undefined;
        const top = a[0];
        const last = a.pop()!;
        if (a.length > 0) {
            a[0] = last;
            let i = 0;
            for (;;) {
                const l = 2 * i + 1;
                const r = l + 1;
                let m = i;
                if (l < a.length && less(a[l], a[m])) m = l;
                if (r < a.length && less(a[r], a[m])) m = r;
                if (m === i) break;
                [a[i], a[m]] = [a[m], a[i]];
                i = m;
            }
        }
        return top;
    }
}

function less(a: Pending, b: Pending): boolean {
    return a.atUs < b.atUs || (a.atUs === b.atUs && a.seq < b.seq);
}

export interface Scheduled {
    cancel(): void;
}

export class World {
    private heap = new EventHeap();
    private seq = 0;
    private virtualNowUs = 0;
    private readonly originNs = process.hrtime.bigint();
    private running = false;
    private wake?: () => void;

    constructor(readonly mode: ClockMode) {}

    /** Microseconds since the board booted. */
    nowUs(): number {
        if (this.mode === "virtual") return this.virtualNowUs;
        return Number(process.hrtime.bigint() - this.originNs) / 1000;
    }

    /** Virtual time only: time passes while the one Lua task is blocked (a storage read on a board). */
    advance(us: number): void {
        if (this.mode === "virtual" && us > 0) this.virtualNowUs += us;
    }

    at(atUs: number, fn: () => void): Scheduled {
        const p: Pending = { atUs, seq: this.seq++, fn, cancelled: false };
        this.heap.push(p);
        if (this.wake) this.wake();
        return { cancel: () => (p.cancelled = true) };
    }

    /** Virtual time: runs every event due up to untilUs, in order, then sets the clock there. */
    runUntil(untilUs: number): void {
        if (this.mode !== "virtual") throw new Error("runUntil needs virtual time");
        for (;;) {
            const next = this.heap.peek();
            if (!next || next.atUs > untilUs) break;
            this.heap.pop();
            if (next.cancelled) continue;
            if (next.atUs > this.virtualNowUs) this.virtualNowUs = next.atUs;
            next.fn();
        }
        if (untilUs > this.virtualNowUs) this.virtualNowUs = untilUs;
    }

    /**
     * Real time: runs events at their wall-clock times until stop(). Sleeps with setTimeout while the next event is
     * far, then spins for the last stretch, because timers alone are only millisecond-precise.
     */
    async runRealTime(spinUs = 4000): Promise<void> {
        if (this.mode !== "real") throw new Error("runRealTime needs real time");
        this.running = true;
        let lastTurnUs = this.nowUs();
        while (this.running) {
            const next = this.heap.peek();
            if (next && next.cancelled) {
                this.heap.pop();
                continue;
            }
            const now = this.nowUs();
            if (next && next.atUs <= now) {
                this.heap.pop();
                next.fn();
                // Node defers a UDP send to the next tick (its address lookup): let it go out now, not in a later burst.
                await Promise.resolve();
                if (now - lastTurnUs > 5000) {
                    // A long run of due events must not starve storage and socket callbacks: one event-loop turn.
                    await new Promise<void>(resolve => setImmediate(resolve));
                    lastTurnUs = this.nowUs();
                }
                continue;
            }
            lastTurnUs = now;
            const waitUs = next ? next.atUs - now : 50_000;
            if (waitUs > spinUs) {
                // Sleep, letting sockets deliver; an event scheduled meanwhile (an arrival) wakes us.
                await new Promise<void>(resolve => {
                    const t = setTimeout(done, Math.max(0, (waitUs - spinUs) / 1000));
                    function done(): void {
                        clearTimeout(t);
                        resolve();
                    }
                    this.wake = done;
                });
                this.wake = undefined;
            } else if (waitUs > SPIN_TIGHT_US) {
                // Close to the deadline: one event-loop turn at a time, so reads and sockets still progress.
                await new Promise<void>(resolve => setImmediate(resolve));
            } else {
                const target = next!.atUs;
                while (this.nowUs() < target) {
                    /* the last few µs: a tight spin for sub-millisecond precision */
                }
            }
        }
    }

    stop(): void {
        this.running = false;
        if (this.wake) this.wake();
    }
}
