// The stream manager (seed 000, Fig. 2 (1)-(3)): admits streams into the table, runs the disk and network tasks over them.
import type { Board } from "../../boards/board";
import { Hal } from "../../hal/interfaces";
import { DiskTask } from "../disk/disk-task";
import { readBoundBytes } from "../disk/read-bound";
import { Scheduler } from "../kernel/scheduler";
import { NetworkTask } from "../net/network-task";
import { describeFile } from "../protocol/describe";
import { MediaInfo } from "../protocol/media";
import { createPacketizer } from "../protocol/packetizer";
import { BufferPool, PoolBuffer } from "../pool/buffer-pool";
import { Ring } from "../pool/ring";
import { admit } from "./admission";
import { PacketSink, PlayInfo, StreamControl, StreamRefusal, StreamView } from "./control";
import { StreamEntry, StreamTable } from "./entry";
import { RtcpReporter } from "./rtcp-reporter";
import { SequentialSender } from "./sequential";

/** Smallest payload the pool's buffers must be able to index: 10 ms of 8 kHz G.711. */
const MIN_PAYLOAD_BYTES = 80;

export type SendMode = "two-task" | "sequential";

export class StreamManager implements StreamControl {
    readonly table = new StreamTable();
    readonly pool: BufferPool;
    readonly disk?: DiskTask;
    readonly network?: NetworkTask;
    readonly sequential?: SequentialSender;
    readonly readBytes: number;
    private readonly rtcp: RtcpReporter;
    private onEnded?: (this: void, stream: StreamView, reason: string) => void;

    constructor(readonly hal: Hal, readonly board: Board, scheduler: Scheduler, readonly mode: SendMode = "two-task") {
        const b = board.budget;
        // A pool buffer holds one read: on a board with a slow card reads are smaller than bufferBytes, so there are more.
        this.readBytes = readBoundBytes(board);
        this.pool = new BufferPool(this.readBytes, Math.floor(b.poolBytes / this.readBytes), Math.floor(this.readBytes / MIN_PAYLOAD_BYTES) + 1);
        this.rtcp = new RtcpReporter(hal);
        const t = board.timing;
        if (mode === "two-task") {
            const network = new NetworkTask(scheduler, t.sendPeriodUs, t.lateToleranceUs, t.sendLeadUs ?? 0);
            network.onServed = (e, now) => this.served(e, now);
            const disk = new DiskTask(scheduler, hal.clock, board, this.table, () => network.task);
            disk.onData = e => {
                // Only a sender that waits for data (a dry ring, or a fresh start) needs waking: in steady state it is
                // already due to wake for this stream's next packet, and an extra wake-up just before it delays it.
                if (e.state === "playing" && (e.nextDueUs < 0 || e.anchorUs < 0)) network.kick(hal.clock.nowUs());
            };
            disk.onEnd = (e, reason) => this.end(e, reason);
            this.network = network;
            this.disk = disk;
        } else {
            const seq = new SequentialSender(scheduler, hal.clock, t.sendPeriodUs);
            seq.onServed = (e, now) => this.served(e, now);
            seq.onEnd = (e, reason) => this.end(e, reason);
            this.sequential = seq;
        }
    }

    setOnEnded(handler: (this: void, stream: StreamView, reason: string) => void): void {
        this.onEnded = handler;
    }

    streams(): StreamView[] {
        return this.table.rows;
    }

    describe(path: string, onDone: (media: MediaInfo | undefined, refusal: StreamRefusal | undefined) => void): void {
        const [file, err] = this.hal.storage.open(path);
        if (file === undefined) {
            onDone(undefined, { code: 404, reason: err ?? "not found" });
            return;
        }
        describeFile(file, path, (media, reason) => {
            file.close();
            if (media === undefined) onDone(undefined, { code: 415, reason: reason ?? "not playable" });
            else onDone(media, undefined);
        });
    }

    open(path: string, sink: PacketSink, priority: number, onDone: (stream: StreamView | undefined, refusal: StreamRefusal | undefined) => void): void {
        const [file, err] = this.hal.storage.open(path);
        if (file === undefined) {
            onDone(undefined, { code: 404, reason: err ?? "not found" });
            return;
        }
        describeFile(file, path, (media, reason) => {
            if (media === undefined) {
                file.close();
                onDone(undefined, { code: 415, reason: reason ?? "not playable" });
                return;
            }
            const pz = createPacketizer(media, this.readBytes);
            const [reservation, refusal] = admit(this.board, this.pool, this.table, pz);
            if (reservation === undefined) {
                file.close();
                onDone(undefined, refusal);
                return;
            }
            const buffers: PoolBuffer[] = [];
            this.pool.reserve(reservation.buffers, buffers);
            const hal = this.hal;
            const e = new StreamEntry(
                this.table.allocateId(), path, file, media, pz, sink, priority, buffers, new Ring(buffers),
                hal.random32(), hal.random32() % 65536, hal.random32(), reservation.bitsPerSecond,
            );
            for (let i = 0; i < pz.piecesPerRead; i++) e.pieces.push("");
            this.table.add(e);
            onDone(e, undefined);
        });
    }

    play(view: StreamView, fromUs?: number): PlayInfo {
        const e = view as StreamEntry;
        if (e.state === "closed" || e.state === "ended") return this.playInfo(e);
        if (fromUs !== undefined) this.seek(e, fromUs);
        const now = this.hal.clock.nowUs();
        // The media clock starts when the first packet can go: now if the ring holds data, else when it lands.
        e.anchorUs = e.ring.current() !== undefined ? now : -1;
        e.anchorTicks = e.sendTicks;
        e.marker = true;
        e.state = "playing";
        if (e.nextRtcpUs === 0) e.nextRtcpUs = now;
        if (this.network !== undefined) {
            this.network.requests.add(e);
            this.network.kick(now);
            if (e.ring.current() === undefined && !e.reading) this.disk!.read(e);
        } else {
            this.sequential!.add(e);
        }
        return this.playInfo(e);
    }

    private playInfo(e: StreamEntry): PlayInfo {
        return {
            seq: e.seq,
            rtptime: (e.timestampBase + e.sendTicks) % 4294967296,
            startUs: Math.floor((e.sendTicks * 1000000) / e.media.clockRate),
        };
    }

    private seek(e: StreamEntry, fromUs: number): void {
        const ticks = Math.floor((fromUs * e.media.clockRate) / 1000000);
        const [offset, aligned] = e.packetizer.offsetForTicks(ticks);
        e.ring.reset();
        e.packetizer.reset(offset);
        e.readGeneration++;
        e.reading = false;
        e.readOffset = offset;
        e.readTicks = aligned;
        e.sendTicks = aligned;
        e.eof = offset >= e.media.dataOffset + e.media.dataLength;
    }

    pause(view: StreamView): void {
        const e = view as StreamEntry;
        if (e.state !== "playing") return;
        e.state = "paused";
        this.network?.requests.remove(e);
        this.sequential?.remove(e);
    }

    close(view: StreamView): void {
        const e = view as StreamEntry;
        if (e.state === "closed") return;
        if (e.state !== "ended") this.rtcp.bye(e, "closed");
        this.retire(e);
        e.state = "closed";
        this.table.remove(e);
    }

    /** Takes a stream off the sender and gives its buffers back (it stays in the table until closed). */
    private retire(e: StreamEntry): void {
        this.network?.requests.remove(e);
        this.sequential?.remove(e);
        e.readGeneration++;
        e.ring.reset();
        this.pool.release(e.buffers);
        e.file.close();
    }

    private end(e: StreamEntry, reason: string): void {
        if (e.state === "ended" || e.state === "closed") return;
        this.rtcp.bye(e, reason);
        this.retire(e);
        e.state = "ended";
        const f = this.onEnded;
        if (f !== undefined) f(e, reason);
    }

    private served(e: StreamEntry, now: number): void {
        if (e.state !== "playing") return;
        if (now >= e.nextRtcpUs) this.rtcp.report(e, now, this.table.rows.length);
        if (e.eof && !e.reading && e.ring.current() === undefined) this.end(e, "end of file");
    }
}
