// A row of the stream table (seed 000, Fig. 2 (1)): source, destination, priority, rate, state, media clock and counters.
import { StorageFile } from "../../hal/interfaces";
import { LatencyHistogram } from "../kernel/histogram";
import { MediaInfo, Packetizer } from "../protocol/media";
import { PoolBuffer } from "../pool/buffer-pool";
import { Ring } from "../pool/ring";
import { PacketSink, StreamState, StreamView } from "./control";

export class StreamEntry implements StreamView {
    state: StreamState = "ready";
    // Source
    /** File offset of the next storage read. */
    readOffset: number;
    /** Media ticks (from the file's start) of the next data read. */
    readTicks = 0;
    eof = false;
    reading = false;
    /** Bumped by each read and seek, so that a read answered after a seek is recognised and ignored. */
    readGeneration = 0;
    /** Pieces a read fills (reused: no table per read). */
    readonly pieces: string[] = [];
    // Media clock: packet with media position `ticks` is due at anchorUs + (ticks - anchorTicks) / clockRate.
    anchorUs = 0;
    anchorTicks = 0;
    /** Media position of the next packet to send. */
    sendTicks = 0;
    /** Due time of the next packet (µs), or -1 when none is buffered. */
    nextDueUs = -1;
    // RTP
    seq: number;
    readonly timestampBase: number;
    marker = true;
    // Counters
    packetsSent = 0;
    octetsSent = 0;
    dropped = 0;
    sendErrors = 0;
    /** Times the ring ran dry while playing (data late from storage). */
    underruns = 0;
    readonly lateness = new LatencyHistogram();
    // RTCP
    nextRtcpUs = 0;
    rtcpSent = 0;

    constructor(
        readonly id: number,
        readonly path: string,
        readonly file: StorageFile,
        readonly media: MediaInfo,
        readonly packetizer: Packetizer,
        readonly sink: PacketSink,
        readonly priority: number,
        readonly buffers: PoolBuffer[],
        readonly ring: Ring,
        readonly ssrc: number,
        seq: number,
        timestampBase: number,
        /** Bits per second reserved at admission (payload + headers). */
        readonly reservedBps: number,
    ) {
        this.readOffset = media.dataOffset;
        this.seq = seq;
        this.timestampBase = timestampBase;
    }

    /** Due time in µs of media position `ticks` on this stream's clock. */
    dueUs(ticks: number): number {
        return this.anchorUs + Math.floor(((ticks - this.anchorTicks) * 1000000) / this.media.clockRate);
    }

    /** Microseconds of media the ring holds ahead of the send point: when storage must have delivered by. */
    dryAtUs(): number {
        return this.dueUs(this.sendTicks + this.ring.bufferedTicks());
    }
}

/** The stream table: rows by id, in admission order. */
export class StreamTable {
    readonly rows: StreamEntry[] = [];
    private nextId = 1;

    allocateId(): number {
        return this.nextId++;
    }

    add(entry: StreamEntry): void {
        this.rows.push(entry);
    }

    remove(entry: StreamEntry): void {
        const i = this.rows.indexOf(entry);
        if (i >= 0) this.rows.splice(i, 1);
    }

    reservedBps(): number {
        let total = 0;
        for (const e of this.rows) total += e.reservedBps;
        return total;
    }
}
