// The network I/O task (seed 000, Fig. 2 (5)): wakes each send period (or at the next packet's due time) and paces every flow.
import { PeriodicTask, Scheduler } from "../kernel/scheduler";
import { StreamEntry } from "../stream/entry";
import { RequestTable } from "./request-table";
import { sendDue } from "./send-path";

export class NetworkTask {
    readonly requests = new RequestTable();
    readonly task: PeriodicTask;
    /** Called after sending for a stream, with the time: RTCP and end-of-stream handling. */
    onServed?: (this: void, e: StreamEntry, nowUs: number) => void;

    /** `leadUs`: how far ahead of a packet's media time the task hands it to a socket that holds it until then. */
    constructor(private readonly scheduler: Scheduler, periodUs: number, private readonly toleranceUs: number, private readonly leadUs = 0) {
        this.task = scheduler.addPeriodic("network-io", periodUs, 0, now => this.run(now));
    }

    private run(now: number): number | undefined {
        let earliest = -1;
        const entries = this.requests.entries;
        for (let i = entries.length - 1; i >= 0; i--) {
            const e = entries[i];
            const next = sendDue(e, now, this.toleranceUs, this.leadUs);
            const served = this.onServed;
            if (served !== undefined) served(e, now);
            if (next >= 0 && (earliest < 0 || next < earliest)) earliest = next;
        }
        return earliest >= 0 ? earliest - this.leadUs : undefined;
    }

    /** Asks the sender to look at its table now (new data, PLAY). */
    kick(nowUs: number): void {
        this.scheduler.wakeAt(this.task, nowUs);
    }
}
