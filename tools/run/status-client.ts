// `ringcast status`: asks a running server for its counters with RTSP GET_PARAMETER "status" (no session needed).
import * as net from "net";

export interface StatusLine {
    name: string;
    fields: Record<string, string>;
}

/** Sends one GET_PARAMETER and resolves with the status body; rejects on a non-200 answer, a closed socket or the timeout. */
export function fetchStatus(url: string, timeoutMs = 5000): Promise<string> {
    const m = /^rtsp:\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?(\/.*)?$/i.exec(url);
    if (!m) return Promise.reject(new Error(`not an rtsp:// URL: ${url}`));
    const host = m[1].replace(/^\[|\]$/g, "");
    const port = Number(m[2] ?? 554);
    return new Promise((resolve, reject) => {
        const body = "status\r\n";
        const sock = net.connect(port, host);
        let buf = Buffer.alloc(0);
        const done = (err?: Error, text?: string): void => {
            clearTimeout(timer);
            sock.destroy();
            if (err) reject(err);
            else resolve(text!);
        };
        const timer = setTimeout(() => done(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
        sock.on("connect", () => {
            sock.write(`GET_PARAMETER ${url} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: ringcast-status\r\nContent-Type: text/parameters\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        });
        sock.on("data", (d: Buffer) => {
            buf = Buffer.concat([buf, d]);
            const end = buf.indexOf("\r\n\r\n");
            if (end < 0) return;
            const head = buf.subarray(0, end).toString("latin1");
            const length = Number(/\r\nContent-Length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
            if (buf.length < end + 4 + length) return;
            const status = /^RTSP\/1\.0 (\d+) ?(.*)/.exec(head);
            if (!status || status[1] !== "200") return done(new Error(`server answered ${status ? `${status[1]} ${status[2]}` : JSON.stringify(head.split("\r\n")[0])}`));
            done(undefined, buf.subarray(end + 4, end + 4 + length).toString("latin1"));
        });
        sock.on("error", e => done(new Error(`cannot reach ${host}:${port}: ${e.message}`)));
        sock.on("close", () => done(new Error(`${host}:${port} closed the connection before answering`)));
    });
}

/** "name: key=value ..." lines into records. */
export function parseStatus(body: string): StatusLine[] {
    return body
        .split(/\r?\n/)
        .filter(l => l.includes(": "))
        .map(line => {
            const i = line.indexOf(": ");
            const fields: Record<string, string> = {};
            for (const kv of line.slice(i + 2).split(" ")) {
                const eq = kv.indexOf("=");
                if (eq > 0) fields[kv.slice(0, eq)] = kv.slice(eq + 1);
            }
            return { name: line.slice(0, i), fields };
        });
}
