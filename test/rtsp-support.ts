// Test support: an RTSP client on the simulated network (virtual time) that collects responses and interleaved frames.
import { HostBoard } from "../tools/harness/host-board";
import { SimNetwork } from "../tools/harness/network";

export interface RtspReply {
    status: number;
    reason: string;
    headers: Record<string, string>;
    body: string;
}

export interface Frame {
    channel: number;
    data: Buffer;
}

/** Parses RTSP responses and `$` frames from a byte stream, in arrival order. */
export class ReplyParser {
    private buffer = Buffer.alloc(0);
    readonly replies: RtspReply[] = [];
    readonly frames: Frame[] = [];
    /** Every item in arrival order ("reply" or "frame"), to check ordering. */
    readonly order: string[] = [];

    push(data: Buffer): void {
        this.buffer = Buffer.concat([this.buffer, data]);
        for (;;) {
            if (this.buffer.length === 0) return;
            if (this.buffer[0] === 0x24) {
                if (this.buffer.length < 4) return;
                const len = this.buffer.readUInt16BE(2);
                if (this.buffer.length < 4 + len) return;
                this.frames.push({ channel: this.buffer[1], data: this.buffer.subarray(4, 4 + len) });
                this.order.push("frame");
                this.buffer = this.buffer.subarray(4 + len);
                continue;
            }
            const end = this.buffer.indexOf("\r\n\r\n");
            if (end < 0) return;
            const head = this.buffer.subarray(0, end).toString("latin1").split("\r\n");
            const headers: Record<string, string> = {};
            for (const line of head.slice(1)) {
                const i = line.indexOf(":");
                headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
            }
            const length = Number(headers["content-length"] ?? 0);
            if (this.buffer.length < end + 4 + length) return;
            const m = /^RTSP\/1\.0 (\d{3}) (.*)$/.exec(head[0]);
            if (!m) throw new Error(`not an RTSP status line: ${JSON.stringify(head[0])}`);
            this.replies.push({ status: Number(m[1]), reason: m[2], headers, body: this.buffer.subarray(end + 4, end + 4 + length).toString("latin1") });
            this.order.push("reply");
            this.buffer = this.buffer.subarray(end + 4 + length);
        }
    }
}

/** One simulated RTSP client connection to the board. */
export class SimRtspClient {
    readonly parser = new ReplyParser();
    closed = false;
    private cseq = 0;
    private readonly conn: { write(data: string | Buffer): void; close(): void };

    constructor(private readonly board: HostBoard, network: SimNetwork, port: number) {
        this.conn = network.connect(port, data => {
            if (data === null) this.closed = true;
            else this.parser.push(data);
        });
        this.run(0);
    }

    /** Lets virtual time pass so the board handles what was sent. */
    run(us: number): void {
        this.board.world.runUntil(this.board.nowUs() + us);
    }

    write(raw: string | Buffer): void {
        this.conn.write(raw);
        this.run(0);
    }

    close(): void {
        this.conn.close();
        this.run(0);
    }

    /** Sends a request with the next CSeq and waits (virtual time, bounded) for its reply. */
    request(method: string, url: string, headers: Record<string, string> = {}, body = ""): RtspReply {
        const cseq = String(++this.cseq);
        const lines = [`${method} ${url} RTSP/1.0`, `CSeq: ${cseq}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
        if (body.length > 0) lines.push(`Content-Length: ${Buffer.byteLength(body, "latin1")}`);
        this.write(`${lines.join("\r\n")}\r\n\r\n${body}`);
        return this.await(cseq);
    }

    /** The reply carrying this CSeq, waiting up to 2 virtual seconds for it. */
    await(cseq: string): RtspReply {
        for (let i = 0; i < 200; i++) {
            const r = this.parser.replies.find(x => x.headers.cseq === cseq);
            if (r) return r;
            if (this.closed) break;
            this.run(10_000);
        }
        throw new Error(`no reply with CSeq ${cseq}${this.closed ? " (connection closed)" : ""}`);
    }

    /** Waits (bounded) for the next reply without a matching CSeq, e.g. to a request that had none. */
    nextReply(after: number): RtspReply {
        for (let i = 0; i < 200; i++) {
            if (this.parser.replies.length > after) return this.parser.replies[after];
            if (this.closed) break;
            this.run(10_000);
        }
        throw new Error(`no reply #${after + 1}${this.closed ? " (connection closed)" : ""}`);
    }
}

export function sessionId(reply: RtspReply): string {
    const s = reply.headers.session;
    if (!s) throw new Error(`no Session header in ${reply.status} ${reply.reason}`);
    return s.split(";")[0];
}
