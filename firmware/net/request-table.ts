// The network I/O request table (seed 000, Fig. 2 (4)): the streams the sender serves, with their pacing figures.
import { StreamEntry } from "../stream/entry";

export class RequestTable {
    readonly entries: StreamEntry[] = [];

    add(e: StreamEntry): void {
        if (this.entries.indexOf(e) < 0) this.entries.push(e);
    }

    remove(e: StreamEntry): void {
        const i = this.entries.indexOf(e);
        if (i >= 0) this.entries.splice(i, 1);
    }

    /** Packets the stream needs per send period on average (rates need not divide the period: due times are exact). */
    static packetsPerPeriod(e: StreamEntry, periodUs: number): number {
        const pz = e.packetizer;
        return (periodUs * e.media.clockRate) / (pz.packetTicks * 1000000);
    }
}
