// RTSP 1.0 response writer: status line, CSeq echo, headers in order, Content-Length whenever there is a body.
import { int } from "./text";

const REASONS = new LuaTable<number, string>();
for (const [code, text] of [
    [200, "OK"],
    [400, "Bad Request"],
    [403, "Forbidden"],
    [404, "Not Found"],
    [405, "Method Not Allowed"],
    [413, "Request Entity Too Large"],
    [415, "Unsupported Media Type"],
    [453, "Not Enough Bandwidth"],
    [454, "Session Not Found"],
    [455, "Method Not Valid in This State"],
    [457, "Invalid Range"],
    [459, "Aggregate Operation Not Allowed"],
    [461, "Unsupported Transport"],
    [500, "Internal Server Error"],
    [501, "Not Implemented"],
    [503, "Service Unavailable"],
    [505, "RTSP Version Not Supported"],
] as Array<[number, string]>) {
    REASONS.set(code, text);
}

export const PUBLIC_METHODS = "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER";

export function reasonPhrase(code: number): string {
    return REASONS.get(code) ?? "Error";
}

/** A response builder; headers keep the order they were added in. */
export class Response {
    private readonly lines: string[] = [];
    body = "";

    constructor(readonly status: number, cseq: string | undefined, reason?: string) {
        this.lines.push(`RTSP/1.0 ${int(status)} ${reason ?? reasonPhrase(status)}`);
        if (cseq !== undefined) this.lines.push(`CSeq: ${cseq}`);
        this.lines.push("Server: ringcast");
    }

    header(name: string, value: string): this {
        this.lines.push(`${name}: ${value}`);
        return this;
    }

    withBody(contentType: string, body: string): this {
        this.lines.push(`Content-Type: ${contentType}`);
        this.body = body;
        return this;
    }

    text(): string {
        const bodyLength = string.len(this.body);
        if (bodyLength > 0) this.lines.push(`Content-Length: ${int(bodyLength)}`);
        return `${table.concat(this.lines, "\r\n")}\r\n\r\n${this.body}`;
    }
}
