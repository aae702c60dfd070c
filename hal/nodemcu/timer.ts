// One-shot alarms on tmr: whole ticks of the board's FreeRTOS clock, never early, re-armed when the tick rounding fires short.
import { Clock, Timer, TimerOptions } from "../interfaces";

/** tmr's largest interval (components/modules/tmr.c). */
const MAX_MS = 6870947;

export class NodemcuTimer implements Timer {
    private t?: TmrTimer;
    private atUs = -1;
    private onFire?: () => void;
    private readonly tickMs: number;
    private readonly expired: (this: void) => void;

    constructor(options: TimerOptions, private readonly clock: Clock, tickUs: number) {
        // pdMS_TO_TICKS truncates and a 0-tick alarm asserts, so intervals are always whole ticks of at least one.
        this.tickMs = Math.max(1, Math.ceil(tickUs / 1000));
        this.onFire = options.onFire;
        this.t = tmr.create();
        // One callback for the timer's life: re-arming allocates nothing.
        this.expired = () => this.fire();
    }

    at(atUs: number): void {
        if (this.onFire === undefined) return;
        this.atUs = atUs;
        this.arm();
    }

    private arm(): void {
        const t = this.t;
        if (t === undefined) return;
        // An N-tick FreeRTOS alarm fires between N-1 and N ticks after it is set (the current tick is part gone),
        // so it can be up to a tick short: fire() checks the clock and re-arms for the rest.
        let ticks = Math.ceil((this.atUs - this.clock.nowUs()) / (this.tickMs * 1000));
        if (ticks < 1) ticks = 1;
        let ms = ticks * this.tickMs;
        if (ms > MAX_MS) ms = MAX_MS - (MAX_MS % this.tickMs);
        t.stop();
        t.register(ms, tmr.ALARM_SINGLE, this.expired);
        t.start();
    }

    private fire(): void {
        if (this.atUs < 0 || this.onFire === undefined) return;
        if (this.clock.nowUs() < this.atUs) {
            this.arm();
            return;
        }
        this.atUs = -1;
        this.onFire();
    }

    cancel(): void {
        this.atUs = -1;
        if (this.t !== undefined) this.t.stop();
    }

    close(): void {
        if (this.t === undefined) return;
        this.cancel();
        this.t.unregister();
        this.t = undefined;
        this.onFire = undefined;
    }
}
