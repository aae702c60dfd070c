// Host timers and clock: one-shot alarms kept by the Node harness (virtual or real time).
import * as bridge from "__rc_bridge";
import { Clock, Timer, TimerOptions } from "../interfaces";
import { Ev, Op } from "./wire";

const timers = new LuaTable<number, HostTimer>();
let nextId = 1;

export class HostClock implements Clock {
    nowUs(): number {
        const t = bridge.callNumber(Op.clock, 0);
        bridge.endLine();
        return t;
    }
}

export class HostTimer implements Timer {
    private readonly id: number;
    private onFire?: (this: void) => void;

    constructor(options: TimerOptions) {
        this.id = nextId++;
        this.onFire = options.onFire;
        timers.set(this.id, this);
    }

    at(atUs: number): void {
        if (this.onFire === undefined) return;
        bridge.send2(Op.timerAt, this.id, atUs);
    }

    cancel(): void {
        bridge.send1(Op.timerCancel, this.id);
    }

    close(): void {
        if (this.onFire === undefined) return;
        this.cancel();
        this.onFire = undefined;
        timers.delete(this.id);
    }

    fire(): void {
        const f = this.onFire;
        if (f !== undefined) f();
    }
}

bridge.on(Ev.timer, id => {
    const t = timers.get(id);
    if (t !== undefined) t.fire();
});
