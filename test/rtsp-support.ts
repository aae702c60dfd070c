// Test support: an RTSP client on the simulated network (virtual time) that collects responses and interleaved frames.
import { strict as assert } from "assert";
import { HostBoard } from "../tools/harness/host-board";
import { SimNetwork } from "../tools/harness/network";
import { testBoard } from "./support/firmware";

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

export const PORT = 8554;
export const UDP_BASE = 6970;
/** 3 s of 44.1 kHz stereo 16-bit: the fake core derives the duration from the size. */
export const TONE = Buffer.alloc(44100 * 4 * 3);

export interface FakeCore {
    capacity: number;
    answerDelayUs: number;
    packetsPerFile: number;
}

/** A board running the RTSP server over the scripted core (test/fixtures/rtsp-fake.ts); `options` is a Lua table literal. */
export function startFake(version: "5.1" | "5.3", fake: Partial<FakeCore> = {}, options = "{}"): { board: HostBoard; network: SimNetwork } {
    const network = new SimNetwork();
    const board = testBoard(version, { network, files: new Map([["tone.wav", TONE], ["dir/b.wav", TONE], ["notes.txt", Buffer.from("hi")]]) });
    const f = { capacity: 4, answerDelayUs: 0, packetsPerFile: 1_000_000, ...fake };
    board.exec(
        `rt = require("test.fixtures.rtsp-fake").start(${PORT}, ${UDP_BASE}, { capacity = ${f.capacity}, answerDelayUs = ${f.answerDelayUs}, packetsPerFile = ${f.packetsPerFile} }, ${options})`,
    );
    return { board, network };
}

/** Departures to a port, parsed back into the fake core's "RTP <stream> <seq> <positionUs>" text. */
export function rtpTo(network: SimNetwork, port: number): Array<{ fromPort: number; seq: number; positionUs: number; atUs: number }> {
    return network.departures
        .filter(d => d.port === port && d.data.toString("latin1").startsWith("RTP "))
        .map(d => {
            const [, , seq, pos] = d.data.toString("latin1").split(" ");
            return { fromPort: d.fromPort, seq: Number(seq), positionUs: Number(pos), atUs: d.atUs };
        });
}

/** Runs a test body on a board, fails it if a Lua callback raised, and always closes the board. */
export function withBoard(board: HostBoard, body: () => void): void {
    try {
        body();
        assert.equal(board.fault, undefined, `firmware fault: ${board.fault?.message}`);
    } finally {
        board.close();
    }
}
