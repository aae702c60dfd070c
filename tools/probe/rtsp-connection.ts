// RTSP 1.0 over TCP: request/response exchange by CSeq and $-framed interleaved data (RFC 2326 §10.12).

import * as net from "node:net";
import { ProbeError } from "./errors";

export interface RtspResponse {
  status: number;
  reason: string;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Map<string, string>;
  body: Buffer;
}

const MAX_HEAD_BYTES = 64 * 1024;
const USER_AGENT = "ringcast-probe";

interface Pending {
  method: string;
  resolve: (r: RtspResponse) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class RtspConnection {
  /** Called for each interleaved frame with the arrival time of the TCP segment that completed it. */
  onInterleaved: ((channel: number, data: Buffer, arrivalNs: bigint) => void) | null = null;
  /** Called once when the connection ends, with the error if it failed. */
  onClose: ((err: Error | null) => void) | null = null;
  closed = false;
  /** Bytes skipped because they were neither RTSP text nor a '$' frame. */
  garbageBytes = 0;
  private buf: Buffer = Buffer.alloc(0);
  private cseq = 0;
  private pending = new Map<number, Pending>();

  private constructor(
    private readonly socket: net.Socket,
    readonly host: string,
    readonly port: number,
  ) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk, process.hrtime.bigint()));
    socket.on("error", (err) => this.finish(err));
    socket.on("close", () => this.finish(null));
  }

  static connect(host: string, port: number, timeoutMs: number): Promise<RtspConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ProbeError("TIMEOUT", `timeout: no TCP connection to ${host}:${port} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      socket.once("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const what = err.code === "ECONNREFUSED" ? "connection refused" : `cannot connect (${err.code ?? err.message})`;
        reject(new ProbeError("CONNECT", `${what}: ${host}:${port}`));
      });
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new RtspConnection(socket, host, port));
      });
    });
  }

  /** Sends a request and waits for the response with the same CSeq. */
  request(method: string, uri: string, headers: Record<string, string>, timeoutMs: number): Promise<RtspResponse> {
    if (this.closed) return Promise.reject(new ProbeError("RTSP_PROTOCOL", `RTSP connection closed before ${method}`));
    const cseq = ++this.cseq;
    const lines = [`${method} ${uri} RTSP/1.0`, `CSeq: ${cseq}`, `User-Agent: ${USER_AGENT}`];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    const text = lines.join("\r\n") + "\r\n\r\n";
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(cseq);
        reject(new ProbeError("TIMEOUT", `timeout: no answer to RTSP ${method} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(cseq, { method, resolve, reject, timer });
      this.socket.write(text);
    });
  }

  close(): void {
    this.socket.destroy();
    this.finish(null);
  }

  private finish(err: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(
        err instanceof ProbeError
          ? err
          : new ProbeError("RTSP_PROTOCOL", `RTSP connection closed before the answer to ${p.method}`),
      );
    }
    this.pending.clear();
    this.onClose?.(err);
  }

  private onData(chunk: Buffer, arrivalNs: bigint): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const b = this.buf;
      if (b.length === 0) return;
      if (b[0] === 0x24) {
        if (b.length < 4) return;
        const len = b.readUInt16BE(2);
        if (b.length < 4 + len) return;
        const data = b.subarray(4, 4 + len);
        this.buf = b.subarray(4 + len);
        this.onInterleaved?.(b[1], data, arrivalNs);
        continue;
      }
      if (b[0] < 0x41 || b[0] > 0x5a) {
        // Not '$' and not the capital letter an RTSP line starts with: skip to the next candidate.
        let i = 1;
        while (i < b.length && b[i] !== 0x24 && !(b[i] >= 0x41 && b[i] <= 0x5a)) i++;
        this.garbageBytes += i;
        this.buf = b.subarray(i);
        continue;
      }
      const end = b.indexOf("\r\n\r\n");
      if (end < 0) {
        if (b.length > MAX_HEAD_BYTES) this.protocolError("RTSP header too long");
        return;
      }
      const head = b.subarray(0, end).toString("latin1").split("\r\n");
      const headers = new Map<string, string>();
      for (const line of head.slice(1)) {
        const colon = line.indexOf(":");
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
      }
      const length = Number(headers.get("content-length") ?? 0);
      if (!Number.isFinite(length) || length < 0) return this.protocolError("bad Content-Length");
      if (b.length < end + 4 + length) return;
      const body = Buffer.from(b.subarray(end + 4, end + 4 + length));
      this.buf = b.subarray(end + 4 + length);
      this.onMessage(head[0], headers, body);
      if (this.closed) return;
    }
  }

  private onMessage(startLine: string, headers: Map<string, string>, body: Buffer): void {
    const m = /^RTSP\/(\d+\.\d+)\s+(\d{3})\s*(.*)$/.exec(startLine);
    if (!m) {
      // A request from the server (e.g. ANNOUNCE, GET_PARAMETER): the probe implements none.
      const cseq = headers.get("cseq") ?? "0";
      this.socket.write(`RTSP/1.0 501 Not Implemented\r\nCSeq: ${cseq}\r\n\r\n`);
      return;
    }
    const response: RtspResponse = { status: Number(m[2]), reason: m[3], headers, body };
    let cseq = Number(headers.get("cseq"));
    if (!this.pending.has(cseq)) {
      // Some servers omit or garble CSeq: take the oldest outstanding request.
      const first = this.pending.keys().next();
      if (first.done) return;
      cseq = first.value;
    }
    const p = this.pending.get(cseq)!;
    this.pending.delete(cseq);
    clearTimeout(p.timer);
    p.resolve(response);
  }

  private protocolError(what: string): void {
    this.socket.destroy();
    this.finish(new ProbeError("RTSP_PROTOCOL", `RTSP protocol error from ${this.host}:${this.port}: ${what}`));
  }
}
