// Cooperative scheduler on the board's clock: periodic tasks with phase, period, overrun count and lateness statistics.
import { Clock, Hal, Timer } from "../../hal/interfaces";
import { LatencyHistogram } from "./histogram";

/** A task body: runs at each release; may ask for an extra wake-up at an absolute time (e.g. the next packet's due time). */
export type TaskBody = (this: void, nowUs: number, releaseUs: number) => number | undefined;

export class PeriodicTask {
    /** Releases that ran. */
    runs = 0;
    /** Runs that ended after the task's next release (the job overran its period). */
    overruns = 0;
    /** Releases dropped because the task was already a whole period behind them: never run late in a burst. */
    skipped = 0;
    /** Lateness of each run behind its release time. */
    readonly lateness = new LatencyHistogram();
    nextReleaseUs: number;
    /** Extra wake-up requested by the body, or -1. */
    wakeUs = -1;
    enabled = true;

    constructor(
        readonly name: string,
        readonly periodUs: number,
        readonly phaseUs: number,
        readonly body: TaskBody,
        startUs: number,
    ) {
        this.nextReleaseUs = startUs + phaseUs;
    }
}

export class Scheduler {
    private readonly tasks: PeriodicTask[] = [];
    private readonly timer: Timer;
    private readonly clock: Clock;
    private armedUs = -1;
    private running = false;
    /** Wake-ups of the scheduler, for the board budget. */
    wakes = 0;

    constructor(hal: Hal) {
        this.clock = hal.clock;
        this.timer = hal.createTimer({ onFire: () => this.onTimer() });
    }

    /** Adds a periodic task; its first release is at now + phaseUs. */
    addPeriodic(name: string, periodUs: number, phaseUs: number, body: TaskBody): PeriodicTask {
        if (!(periodUs > 0)) error(`scheduler: task '${name}' needs a period > 0 (got ${periodUs})`);
        const task = new PeriodicTask(name, periodUs, phaseUs, body, this.clock.nowUs());
        this.tasks.push(task);
        this.arm();
        return task;
    }

    remove(task: PeriodicTask): void {
        task.enabled = false;
        const i = this.tasks.indexOf(task);
        if (i >= 0) this.tasks.splice(i, 1);
        this.arm();
    }

    /** Asks for the task to run again at atUs, before its next release (ignored if that is sooner anyway). */
    wakeAt(task: PeriodicTask, atUs: number): void {
        if (task.wakeUs < 0 || atUs < task.wakeUs) task.wakeUs = atUs;
        this.arm();
    }

    stop(): void {
        this.timer.close();
        this.tasks.length = 0;
    }

    private onTimer(): void {
        this.armedUs = -1;
        this.wakes++;
        this.running = true;
        const tasks = this.tasks;
        for (let i = 0; i < tasks.length; i++) {
            const task = tasks[i];
            let now = this.clock.nowUs();
            if (task.enabled && now >= task.nextReleaseUs) {
                const release = task.nextReleaseUs;
                task.lateness.add(now - release);
                task.runs++;
                task.wakeUs = -1;
                const wake = task.body(now, release);
                if (wake !== undefined && (task.wakeUs < 0 || wake < task.wakeUs)) task.wakeUs = wake;
                now = this.clock.nowUs();
                let next = release + task.periodUs;
                if (now > next) task.overruns++;
                if (now >= next + task.periodUs) {
                    // A whole period behind: drop the releases already past rather than run them back to back.
                    const missed = Math.floor((now - next) / task.periodUs);
                    task.skipped += missed;
                    next += missed * task.periodUs;
                }
                task.nextReleaseUs = next;
            } else if (task.enabled && task.wakeUs >= 0 && now >= task.wakeUs) {
                task.wakeUs = -1;
                const wake = task.body(now, task.nextReleaseUs - task.periodUs);
                if (wake !== undefined) task.wakeUs = wake;
            }
        }
        this.running = false;
        this.arm();
    }

    private arm(): void {
        if (this.running) return;
        let earliest = -1;
        for (const task of this.tasks) {
            if (!task.enabled) continue;
            let t = task.nextReleaseUs;
            if (task.wakeUs >= 0 && task.wakeUs < t) t = task.wakeUs;
            if (earliest < 0 || t < earliest) earliest = t;
        }
        if (earliest < 0) {
            if (this.armedUs >= 0) this.timer.cancel();
            this.armedUs = -1;
            return;
        }
        if (earliest !== this.armedUs) {
            this.armedUs = earliest;
            this.timer.at(earliest);
        }
    }
}
