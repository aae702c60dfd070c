// The sequential baseline (sendfile-like): one task reads, then sends, in turn; used only to reproduce the seed's comparison.
import { Clock } from "../../hal/interfaces";
import { PeriodicTask, Scheduler } from "../kernel/scheduler";
import { sendDue } from "../net/send-path";
import { landRead } from "../disk/land";
import { StreamEntry } from "./entry";

/**
 * Each run sends what is due; when a stream's ring is dry it reads before sending again, and the stream's schedule restarts
 * from when the data arrived: a read delayed by d shifts every later packet by d (the seed's Fig. 1-(1)). Nothing is
 * dropped as stale: a sequential sender has no notion of it.
 */
export class SequentialSender {
    readonly task: PeriodicTask;
    private readonly entries: StreamEntry[] = [];
    onServed?: (this: void, e: StreamEntry, nowUs: number) => void;
    onEnd?: (this: void, e: StreamEntry, reason: string) => void;
    reads = 0;

    constructor(private readonly scheduler: Scheduler, private readonly clock: Clock, periodUs: number) {
        this.task = scheduler.addPeriodic("sequential-io", periodUs, 0, now => this.run(now));
    }

    add(e: StreamEntry): void {
        if (this.entries.indexOf(e) < 0) this.entries.push(e);
        this.scheduler.wakeAt(this.task, this.clock.nowUs());
    }

    remove(e: StreamEntry): void {
        const i = this.entries.indexOf(e);
        if (i >= 0) this.entries.splice(i, 1);
    }

    private run(now: number): number | undefined {
        let earliest = -1;
        for (let i = this.entries.length - 1; i >= 0; i--) {
            const e = this.entries[i];
            let next = sendDue(e, now, math.huge, 0);
            if (next < 0 && !e.eof && !e.reading) {
                this.read(e);
                now = this.clock.nowUs();
                next = e.ring.current() !== undefined ? now : -1;
            }
            const served = this.onServed;
            if (served !== undefined) served(e, now);
            if (next >= 0 && (earliest < 0 || next < earliest)) earliest = next;
        }
        return earliest >= 0 ? earliest : undefined;
    }

    private read(e: StreamEntry): void {
        const pz = e.packetizer;
        if (e.ring.emptyBuffer() === undefined) return;
        e.reading = true;
        e.readGeneration++;
        const generation = e.readGeneration;
        this.reads++;
        e.file.read(e.readOffset, pz.pieceLength, pz.piecesPerRead, e.pieces, (n, err) => {
            if (generation !== e.readGeneration) return;
            e.reading = false;
            if (err !== undefined) {
                const end = this.onEnd;
                if (end !== undefined) end(e, `read error: ${err}`);
                return;
            }
            if (landRead(e, n) > 0) {
                // Sequential pacing: the schedule restarts from the moment the data is there.
                e.anchorUs = this.clock.nowUs();
                e.anchorTicks = e.sendTicks;
            }
            this.scheduler.wakeAt(this.task, this.clock.nowUs());
        });
    }
}
