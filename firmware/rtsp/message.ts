// Incremental RTSP request parser for one connection, with limits so a hostile client cannot grow the board's heap.
import { parseDigits } from "./text";

export interface RtspLimits {
    /** Request line plus headers, bytes. */
    maxHeaderBytes: number;
    maxHeaderLines: number;
    maxBodyBytes: number;
    /** Interleaved frames a client sends (RTCP receiver reports) are small; anything larger is hostile. */
    maxFrameBytes: number;
}

export const DEFAULT_LIMITS: RtspLimits = { maxHeaderBytes: 4096, maxHeaderLines: 32, maxBodyBytes: 1024, maxFrameBytes: 1500 };

export interface RtspRequest {
    method: string;
    url: string;
    /** The CSeq header as sent (echoed verbatim). */
    cseq: string;
    /** Header values by lower-case name; repeated headers are joined with ",". */
    headers: LuaTable<string, string>;
    body: string;
}

/** What the reader found at the front of the buffer. */
export type Parsed =
    | { kind: "request"; request: RtspRequest }
    | { kind: "frame"; channel: number; data: string }
    /** A request that must be answered with an error; fatal ones close the connection (the stream cannot be resynced). */
    | { kind: "error"; status: number; reason: string; cseq?: string; fatal: boolean };

export class RequestReader {
    private buffer = "";

    constructor(private readonly limits: RtspLimits = DEFAULT_LIMITS) {}

    push(data: string): void {
        this.buffer = this.buffer + data;
    }

    get pending(): number {
        return string.len(this.buffer);
    }

    /** The next complete item, or undefined when more bytes are needed. */
    next(): Parsed | undefined {
        // Clients may send blank lines between requests (some use them as keepalives).
        const [, skip] = string.find(this.buffer, "^[\r\n]+");
        if (skip !== undefined) this.buffer = string.sub(this.buffer, skip + 1);
        const size = string.len(this.buffer);
        if (size === 0) return undefined;
        if (string.byte(this.buffer, 1) === 36) return this.frame(size);

        const [headEnd, blankEnd] = string.find(this.buffer, "\r?\n\r?\n");
        if (headEnd === undefined || blankEnd === undefined) {
            if (size > this.limits.maxHeaderBytes) return this.fatal(400, "Request header too large");
            return undefined;
        }
        if (headEnd - 1 > this.limits.maxHeaderBytes) return this.fatal(400, "Request header too large");
        const head = string.sub(this.buffer, 1, headEnd - 1);
        const parsed = this.parseHead(head);
        if (parsed.kind === "error") return parsed;
        const request = parsed.request;

        const lengthText = request.headers.get("content-length");
        let bodyLength = 0;
        if (lengthText !== undefined) {
            const n = parseDigits(lengthText);
            if (n === undefined) return this.fatal(400, "Bad Content-Length", request.cseq);
            if (n > this.limits.maxBodyBytes) return this.fatal(413, "Request Entity Too Large", request.cseq);
            bodyLength = n;
        }
        if (size < blankEnd + bodyLength) return undefined;
        request.body = string.sub(this.buffer, blankEnd + 1, blankEnd + bodyLength);
        this.buffer = string.sub(this.buffer, blankEnd + bodyLength + 1);

        if (request.cseq === "") return { kind: "error", status: 400, reason: "Bad Request (no CSeq)", fatal: false };
        const [proto, major, minor] = string.match(parsed.version, "^(%u+)/(%d+)%.(%d+)$");
        if (proto === undefined) return this.fatal(400, "Bad Request", request.cseq);
        if (proto !== "RTSP" || major !== "1" || minor !== "0") {
            return { kind: "error", status: 505, reason: "RTSP Version Not Supported", cseq: request.cseq, fatal: false };
        }
        return { kind: "request", request };
    }

    private frame(size: number): Parsed | undefined {
        if (size < 4) return undefined;
        const [, channel, hi, lo] = string.byte(this.buffer, 1, 4);
        const length = hi * 256 + lo;
        if (length > this.limits.maxFrameBytes) return this.fatal(400, "Interleaved frame too large");
        if (size < 4 + length) return undefined;
        const data = string.sub(this.buffer, 5, 4 + length);
        this.buffer = string.sub(this.buffer, 5 + length);
        return { kind: "frame", channel, data };
    }

    private parseHead(head: string): { kind: "request"; request: RtspRequest; version: string } | Extract<Parsed, { kind: "error" }> {
        const headers = new LuaTable<string, string>();
        let pos = 1;
        let line = 0;
        let first = "";
        let last: string | undefined;
        const length = string.len(head);
        while (pos <= length) {
            const [nl] = string.find(head, "\n", pos, true);
            const stop = nl === undefined ? length : nl - 1;
            let text = string.sub(head, pos, stop);
            if (string.byte(text, string.len(text)) === 13) text = string.sub(text, 1, string.len(text) - 1);
            pos = stop + 2;
            line++;
            if (line > this.limits.maxHeaderLines) return this.fatal(400, "Too many header lines");
            if (line === 1) {
                first = text;
                continue;
            }
            const [folded] = string.match(text, "^[ \t]+(.*)$");
            if (folded !== undefined && last !== undefined) {
                // An obsolete folded continuation line belongs to the previous header.
                headers.set(last, `${headers.get(last)} ${folded}`);
                continue;
            }
            const [name, value] = string.match(text, "^([%w%-_]+)[ \t]*:[ \t]*(.-)[ \t]*$");
            if (name === undefined || value === undefined) return this.fatal(400, "Bad header line");
            const key = string.lower(name);
            const old = headers.get(key);
            headers.set(key, old === undefined ? value : `${old},${value}`);
            last = key;
        }
        const [method, url, version] = string.match(first, "^(%S+) +(%S+) +(%S+)$");
        if (method === undefined || url === undefined || version === undefined) return this.fatal(400, "Bad request line");
        const [token] = string.match(method, "^[%w_%-]+$");
        if (token === undefined) return this.fatal(400, "Bad method");
        const cseq = headers.get("cseq");
        return { kind: "request", request: { method, url, cseq: cseq ?? "", headers, body: "" }, version };
    }

    private fatal(status: number, reason: string, cseq?: string): Extract<Parsed, { kind: "error" }> {
        this.buffer = "";
        return { kind: "error", status, reason, cseq, fatal: true };
    }
}
