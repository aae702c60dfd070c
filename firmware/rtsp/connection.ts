// One RTSP connection: request reader, and a write queue that keeps one send in flight (NodeMCU chains on "sent").
import { TcpConnection } from "../../hal/interfaces";
import { RequestReader, RtspLimits } from "./message";
import { be16 } from "./text";

/** Default bytes per write: under NodeMCU's lwIP send buffer (5744), so a write never fails with "buffer error". */
export const DEFAULT_WRITE_CHUNK = 2920;

export class RtspConnection {
    readonly reader: RequestReader;
    private readonly queue: string[] = [];
    /** Whether each queued item is an interleaved media frame (droppable, counted in mediaQueued). */
    private readonly media: boolean[] = [];
    private head = 0;
    /** Index of a reserved slot not yet filled: nothing at or after it is written until it is. */
    private hold = -1;
    private writing = false;
    private mediaQueued = 0;
    /** Close once the queue has drained (after a fatal error's response). */
    private closeAfterFlush = false;
    closed = false;
    /** A request's answer is pending (describe/open run asynchronously): later requests wait, in order. */
    busy = false;
    lastActivityUs: number;
    /** Interleaved frames dropped because the queue was full (the stream never waits for TCP). */
    mediaDrops = 0;
    /** Next free interleaved channel pair for SETUPs that do not name one. */
    nextChannel = 0;
    onClosed?: (this: void, c: RtspConnection) => void;

    constructor(
        readonly tcp: TcpConnection,
        readonly id: number,
        limits: RtspLimits,
        /** Interleaved media frames the queue holds at most. */
        private readonly maxMediaQueued: number,
        nowUs: number,
        /** Largest single write (coalesced items, or a piece of a long one). */
        private readonly writeChunk: number = DEFAULT_WRITE_CHUNK,
    ) {
        this.reader = new RequestReader(limits);
        this.lastActivityUs = nowUs;
    }

    get address(): string {
        return this.tcp.remoteAddress;
    }

    /** Queues an RTSP response (never dropped). */
    send(text: string): void {
        if (this.closed) return;
        this.queue.push(text);
        this.media.push(false);
        this.flush();
    }

    /** Queues one interleaved frame; false (and counted) when the media queue is full. */
    sendFrame(channel: number, packet: string): boolean {
        if (this.closed || this.closeAfterFlush) return false;
        if (this.mediaQueued >= this.maxMediaQueued) {
            this.mediaDrops++;
            return false;
        }
        this.queue.push(`$${string.char(channel)}${be16(string.len(packet))}${packet}`);
        this.media.push(true);
        this.mediaQueued++;
        this.flush();
        return true;
    }

    /** Reserves the next place in the queue for a response computed after frames may have been queued behind it. */
    reserve(): number {
        this.queue.push("");
        this.media.push(false);
        this.hold = this.queue.length - 1;
        return this.hold;
    }

    fill(slot: number, text: string): void {
        if (this.closed) return;
        this.queue[slot] = text;
        this.hold = -1;
        this.flush();
    }

    /** Sends what is queued, then closes. */
    finish(): void {
        this.closeAfterFlush = true;
        if (!this.writing && this.head >= this.queue.length) this.close();
    }

    close(): void {
        if (this.closed) return;
        this.closed = true;
        this.queue.length = 0;
        this.media.length = 0;
        this.head = 0;
        this.hold = -1;
        this.tcp.close();
        const f = this.onClosed;
        if (f !== undefined) f(this);
    }

    /** Peer closed: same cleanup, the HAL already dropped the socket. */
    closedByPeer(): void {
        this.close();
    }

    written(): void {
        this.writing = false;
        this.flush();
    }

    /** Moves the unsent items to the front, so a queue that never drains completely does not keep sent ones alive. */
    private compact(): void {
        const n = this.queue.length - this.head;
        for (let i = 0; i < n; i++) {
            this.queue[i] = this.queue[this.head + i];
            this.media[i] = this.media[this.head + i];
        }
        this.queue.length = n;
        this.media.length = n;
        this.head = 0;
    }

    private flush(): void {
        if (this.writing || this.closed) return;
        const parts: string[] = [];
        let bytes = 0;
        // Coalesce queued items into one write: each write costs a "sent" round trip on the board.
        while (this.head < this.queue.length && this.head !== this.hold) {
            const item = this.queue[this.head];
            const size = string.len(item);
            if (bytes + size > this.writeChunk) {
                if (bytes > 0) break;
                // A long response goes out in pieces; the rest stays at the head of the queue.
                parts.push(string.sub(item, 1, this.writeChunk));
                this.queue[this.head] = string.sub(item, this.writeChunk + 1);
                bytes = this.writeChunk;
                break;
            }
            parts.push(item);
            bytes += size;
            if (this.media[this.head]) this.mediaQueued--;
            this.head++;
        }
        if (this.head >= this.queue.length) {
            this.queue.length = 0;
            this.media.length = 0;
            this.head = 0;
        } else if (this.head >= 16 && this.hold < 0) {
            this.compact();
        }
        if (bytes === 0) {
            if (this.closeAfterFlush) this.close();
            return;
        }
        this.writing = true;
        if (!this.tcp.write(parts.length === 1 ? parts[0] : table.concat(parts))) this.close();
    }
}
