// The host board's clock and event queue: virtual time (discrete events, deterministic) or real time (precise wall clock).

import { block, spinUntil, spinWindowUs } from "./real-time";

export type ClockMode = "virtual" | "real";

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

/** Between the spin window and this the loop blocks in short waits and turns Node's event loop between them; beyond, a timer. */
const SLEEP_OVER_US = 3000;
/** No event-loop turn starts this close to the spin window: a turn's callbacks (and a collection in one) take time. */
const TURN_GUARD_US = 300;
/** Longest single block before an event-loop turn, so sockets and reads progress while the loop waits. */
const BLOCK_MAX_US = 500;
/** An outside event waits at most this long for a gap in the timed schedule large enough to run it. */
const MAX_HOLD_US = 50_000;
/** An outside event runs before a timer only if it is expected to end this long before it. */
const MARGIN_US = 20;

interface Outside {
    fn: () => void;
    kind: string;
    sinceUs: number;
}

export class World {
    private heap = new EventHeap();
    private seq = 0;
    private virtualNowUs = 0;
    private readonly originMs = performance.now();
    private running = false;
    private wake?: () => void;
    /** Real time: socket and storage events, run in arrival order in the gaps between timed events. */
    private outside: Outside[] = [];
    private outsideHead = 0;
    /** Real time: what one outside event of each kind has cost lately (µs), to know whether it fits a gap. */
    private readonly costUs = new Map<string, number>();
    /** Real time: whether timers are met to a few µs (a final spin) or to the wake-up latency of a wait. */
    private precise = true;

    constructor(readonly mode: ClockMode) {}

    /**
     * Real time: timers to the wake-up latency of a futex wait (tens of µs, more when the machine is busy), with no
     * final spin. For a board that sends ahead (timing.sendLeadUs): its timers only hand packets over, the departure
     * thread times them, and the CPU a spin would take is the departure thread's and the receivers'.
     */
    relax(): void {
        this.precise = false;
    }

    /** Microseconds since the board booted. */
    nowUs(): number {
        if (this.mode === "virtual") return this.virtualNowUs;
        return (performance.now() - this.originMs) * 1000;
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

    /**
     * An event from outside the board (a datagram, a TCP segment, a finished read). Virtual time runs it now, in order.
     * Real time runs it as soon as the timed schedule leaves a gap its kind is known to fit in, like an interrupt handler
     * the sender is not preempted by: a read landing never delays a packet that is due.
     */
    outsideEvent(kind: string, fn: () => void): void {
        if (this.mode === "virtual") {
            this.at(this.virtualNowUs, fn);
            return;
        }
        this.outside.push({ fn, kind, sinceUs: this.nowUs() });
        if (this.wake) this.wake();
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

    /** The next timed event that is not cancelled, or undefined. */
    private nextTimed(): Pending | undefined {
        for (;;) {
            const next = this.heap.peek();
            if (!next || !next.cancelled) return next;
            this.heap.pop();
        }
    }

    /** Runs the oldest outside event if it fits before `deadlineUs` (or has waited too long); true if one ran. */
    private runOutside(nowUs: number, deadlineUs: number): boolean {
        if (this.outsideHead >= this.outside.length) return false;
        const o = this.outside[this.outsideHead];
        const cost = this.costUs.get(o.kind) ?? 200;
        if (nowUs + cost > deadlineUs && nowUs - o.sinceUs < MAX_HOLD_US) return false;
        this.outside[this.outsideHead++] = undefined as unknown as Outside;
        if (this.outsideHead === this.outside.length) {
            this.outside.length = 0;
            this.outsideHead = 0;
        }
        o.fn();
        const took = this.nowUs() - nowUs;
        // Remember the worst recent cost, decaying fast enough that one slow landing does not hold the queue for good.
        this.costUs.set(o.kind, Math.max(took, 0.7 * cost + 0.3 * took));
        return true;
    }

    /**
     * Real time: runs timed events at their wall-clock times until stop(). Far from the next one it sleeps in a Node
     * timer; nearer it turns Node's event loop now and then so sockets and reads progress; the last stretch is a tight
     * spin, because timers alone are only millisecond-precise (unless relaxed). Outside events fill the gaps they fit in.
     */
    runRealTime(): Promise<void> {
        if (this.mode !== "real") throw new Error("runRealTime needs real time");
        this.running = true;
        const clock = (): number => this.nowUs();
        return new Promise<void>(resolve => {
            const loop = (): void => {
                this.wake = undefined;
                const turnUs = this.nowUs();
                const spinUs = this.precise ? spinWindowUs() : 0;
                while (this.running) {
                    const now = this.nowUs();
                    const next = this.nextTimed();
                    if (next && next.atUs <= now) {
                        this.heap.pop();
                        next.fn();
                        continue;
                    }
                    const deadline = next ? next.atUs : Infinity;
                    if (this.runOutside(now, this.precise ? deadline - MARGIN_US : Infinity)) continue;
                    if (now - turnUs > 10_000 && deadline - now > spinUs + TURN_GUARD_US) {
                        // Busy for a long stretch: one event-loop turn, so sockets and reads are not starved.
                        setImmediate(loop);
                        return;
                    }
                    const waitUs = deadline - now;
                    if (waitUs > SLEEP_OVER_US) {
                        const t = setTimeout(loop, Math.min(waitUs - SLEEP_OVER_US, 1e6) / 1000);
                        // An event scheduled meanwhile (an arrival) wakes the loop early.
                        this.wake = () => {
                            this.wake = undefined;
                            clearTimeout(t);
                            setImmediate(loop);
                        };
                        return;
                    }
                    if (waitUs > spinUs + TURN_GUARD_US) {
                        block(Math.min(waitUs - spinUs - TURN_GUARD_US, BLOCK_MAX_US));
                        setImmediate(loop);
                        return;
                    }
                    // Too close for an event-loop turn (its callbacks could run past the deadline): wait, then spin.
                    if (waitUs > spinUs) block(waitUs - spinUs);
                    spinUntil(clock, deadline);
                }
                resolve();
            };
            loop();
        });
    }

    stop(): void {
        this.running = false;
        if (this.wake) this.wake();
    }
}
