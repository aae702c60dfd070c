// The disk I/O task (seed 000, Fig. 2 (2)): each read period, reads for the streams whose rings run dry first, by priority.
import type { Board } from "../../boards/board";
import { Clock } from "../../hal/interfaces";
import { PeriodicTask, Scheduler } from "../kernel/scheduler";
import { StreamEntry, StreamTable } from "../stream/entry";
import { landRead } from "./land";
import { readCostUs } from "./read-bound";

export class DiskTask {
    readonly task: PeriodicTask;
    reads = 0;
    /** True while run() is issuing reads: a read answered inside it came from a blocking card. */
    private inRun = false;
    /** Called when a read lands data in a stream's ring (wake the sender), ends it, or fails. */
    onData?: (this: void, e: StreamEntry) => void;
    onEnd?: (this: void, e: StreamEntry, reason: string) => void;

    constructor(
        private readonly scheduler: Scheduler,
        private readonly clock: Clock,
        private readonly board: Board,
        private readonly table: StreamTable,
        /** The send task: a blocking read must not start when it would run past the sender's next release. */
        private readonly sender: () => PeriodicTask | undefined,
    ) {
        this.task = scheduler.addPeriodic("disk-io", board.timing.readPeriodUs, 0, () => this.run());
    }

    /** The stream that needs data first: highest priority, then earliest dry time (deadline). */
    private pick(): StreamEntry | undefined {
        let best: StreamEntry | undefined;
        let bestDry = 0;
        for (const e of this.table.rows) {
            if (e.eof || e.reading || (e.state !== "playing" && e.state !== "ready" && e.state !== "paused")) continue;
            if (e.ring.emptyBuffer() === undefined) continue;
            const dry = e.state === "playing" ? e.dryAtUs() : math.huge;
            if (best === undefined || e.priority > best.priority || (e.priority === best.priority && dry < bestDry)) {
                best = e;
                bestDry = dry;
            }
        }
        return best;
    }

    /**
     * Reads until every ring is full or the next blocking read would still be running when the sender is due; then it
     * asks to run again right after the sender, so reads fill the gaps between sends instead of waiting a read period.
     */
    run(): undefined {
        this.inRun = true;
        for (;;) {
            const e = this.pick();
            if (e === undefined) break;
            const bytes = e.packetizer.pieceLength * e.packetizer.piecesPerRead;
            const sender = this.sender();
            if (sender !== undefined && this.clock.nowUs() + readCostUs(this.board, bytes) > sender.nextReleaseUs) {
                this.scheduler.wakeAt(this.task, sender.nextReleaseUs);
                break;
            }
            this.read(e);
        }
        this.inRun = false;
        return undefined;
    }

    /** Issues one read into the stream's empty buffer; the storage answers now (board) or later (host). */
    read(e: StreamEntry): void {
        const pz = e.packetizer;
        e.reading = true;
        e.readGeneration++;
        const generation = e.readGeneration;
        e.file.read(e.readOffset, pz.pieceLength, pz.piecesPerRead, e.pieces, (n, err) => this.landed(e, generation, n, err));
    }

    private landed(e: StreamEntry, generation: number, n: number, err: string | undefined): void {
        if (generation !== e.readGeneration || e.state === "closed") return; // a seek or close made this read moot
        e.reading = false;
        this.reads++;
        if (err !== undefined) {
            const end = this.onEnd;
            if (end !== undefined) end(e, `read error: ${err}`);
            return;
        }
        landRead(e, n);
        const data = this.onData;
        if (data !== undefined) data(e);
        // An asynchronous card answered: chain the next read for this stream now rather than at the next period.
        if (!this.inRun && !e.eof && e.ring.emptyBuffer() !== undefined && e.state !== "ended") this.read(e);
    }
}
