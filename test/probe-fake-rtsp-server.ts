// A tiny scripted RTSP 1.0 server on 127.0.0.1 for the probe's client tests: UDP or interleaved delivery.

import * as dgram from "node:dgram";
import * as net from "node:net";

export interface RecordedRequest {
  method: string;
  uri: string;
  headers: Map<string, string>;
}

export interface FakeServerOptions {
  /** Path that exists; anything else gets 404 on DESCRIBE. */
  path?: string;
  sdp?: string;
  /** Session timeout to advertise (seconds); omitted from the header when null. */
  sessionTimeout?: number | null;
  publicMethods?: string;
  /** RTP packets to send after PLAY (RTP channel / client RTP port). */
  packets?: Buffer[];
  /** RTCP packets to send after the RTP packets (RTCP channel / client RTCP port). */
  rtcpAfter?: Buffer[];
  intervalMs?: number;
  /** What to do after sending everything. */
  afterSend?: "nothing" | "close";
  /** Never answer this method (to test timeouts). */
  silentOn?: string;
  /** Write interleaved frames in the same TCP write as the PLAY answer, and split frames across writes. */
  awkwardFraming?: boolean;
  contentBase?: string | null;
}

export const SESSION_ID = "5EED1234";

export class FakeRtspServer {
  readonly requests: RecordedRequest[] = [];
  port = 0;
  private server: net.Server;
  private sockets = new Set<net.Socket>();
  private udp: dgram.Socket | null = null;
  private timers: NodeJS.Timeout[] = [];
  private clientPorts: [number, number] | null = null;
  private tcp = false;

  constructor(readonly opts: FakeServerOptions = {}) {
    this.server = net.createServer((sock) => this.onConnection(sock));
  }

  get url(): string {
    return `rtsp://127.0.0.1:${this.port}${this.opts.path ?? "/stream"}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  methods(): string[] {
    return this.requests.map((r) => r.method);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    if (this.udp) this.udp.close();
    this.udp = null;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(sock: net.Socket): void {
    this.sockets.add(sock);
    sock.on("close", () => this.sockets.delete(sock));
    sock.on("error", () => {});
    let buf = "";
    sock.on("data", (chunk) => {
      buf += chunk.toString("latin1");
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const lines = buf.slice(0, end).split("\r\n");
        buf = buf.slice(end + 4);
        const [method, uri] = lines[0].split(" ");
        const headers = new Map<string, string>();
        for (const l of lines.slice(1)) {
          const i = l.indexOf(":");
          headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
        }
        this.requests.push({ method, uri, headers });
        this.handle(sock, method, uri, headers);
      }
    });
  }

  private answer(sock: net.Socket, cseq: string, status: string, headers: string[] = [], body = "", extra?: Buffer): void {
    const h = [`RTSP/1.0 ${status}`, `CSeq: ${cseq}`, "Server: fake-rtsp/1.0", ...headers];
    if (body) h.push("Content-Type: application/sdp", `Content-Length: ${Buffer.byteLength(body)}`);
    const text = Buffer.from(h.join("\r\n") + "\r\n\r\n" + body, "latin1");
    sock.write(extra ? Buffer.concat([text, extra]) : text);
  }

  private handle(sock: net.Socket, method: string, uri: string, headers: Map<string, string>): void {
    const cseq = headers.get("cseq") ?? "0";
    if (method === this.opts.silentOn) return;
    const o = this.opts;
    const path = o.path ?? "/stream";
    const session = `Session: ${SESSION_ID}${o.sessionTimeout === null ? "" : `;timeout=${o.sessionTimeout ?? 60}`}`;
    switch (method) {
      case "OPTIONS":
        return this.answer(sock, cseq, "200 OK", [
          `Public: ${o.publicMethods ?? "OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER"}`,
        ]);
      case "DESCRIBE": {
        if (!new URL(uri).pathname.startsWith(path)) return this.answer(sock, cseq, "404 Not Found");
        const base = o.contentBase === undefined ? [`Content-Base: ${uri}/`] : o.contentBase ? [`Content-Base: ${o.contentBase}`] : [];
        return this.answer(sock, cseq, "200 OK", base, o.sdp ?? "");
      }
      case "SETUP": {
        const t = headers.get("transport") ?? "";
        const cp = /client_port=(\d+)-(\d+)/.exec(t);
        if (/RTP\/AVP\/TCP/.test(t)) {
          this.tcp = true;
          return this.answer(sock, cseq, "200 OK", [session, "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=0000ABCD"]);
        }
        if (!cp) return this.answer(sock, cseq, "461 Unsupported Transport");
        this.clientPorts = [Number(cp[1]), Number(cp[2])];
        return this.answer(sock, cseq, "200 OK", [
          session,
          `Transport: RTP/AVP;unicast;client_port=${cp[1]}-${cp[2]};server_port=6970-6971;ssrc=0000ABCD`,
        ]);
      }
      case "PLAY": {
        const rtpInfo = `RTP-Info: url=${uri};seq=1;rtptime=0`;
        if (this.tcp && o.awkwardFraming && (o.packets ?? []).length > 1) {
          // First frame glued to the answer, second frame split in two writes.
          const [p1, p2, ...rest] = o.packets ?? [];
          const second = frame(0, p2);
          this.answer(sock, cseq, "200 OK", [session, "Range: npt=0.000-", rtpInfo], "", frame(0, p1));
          sock.write(second.subarray(0, 3));
          this.timers.push(setTimeout(() => sock.write(second.subarray(3)), 5));
          this.timers.push(setTimeout(() => this.send(sock, rest, o.rtcpAfter ?? []), 10));
          return;
        }
        this.answer(sock, cseq, "200 OK", [session, "Range: npt=0.000-", rtpInfo]);
        this.timers.push(setTimeout(() => this.send(sock, o.packets ?? [], o.rtcpAfter ?? []), 5));
        return;
      }
      case "GET_PARAMETER":
      case "TEARDOWN":
        return this.answer(sock, cseq, "200 OK", [session]);
      default:
        return this.answer(sock, cseq, "501 Not Implemented");
    }
  }

  private send(sock: net.Socket, rtp: Buffer[], rtcp: Buffer[]): void {
    const queue: [number, Buffer][] = [...rtp.map((p) => [0, p] as [number, Buffer]), ...rtcp.map((p) => [1, p] as [number, Buffer])];
    if (!this.tcp && !this.udp) this.udp = dgram.createSocket("udp4");
    const step = () => {
      const next = queue.shift();
      if (!next) {
        if (this.opts.afterSend === "close") sock.end();
        return;
      }
      const [channel, data] = next;
      if (this.tcp) sock.write(frame(channel, data));
      else if (this.udp && this.clientPorts) this.udp.send(data, this.clientPorts[channel], "127.0.0.1");
      this.timers.push(setTimeout(step, this.opts.intervalMs ?? 1));
    };
    step();
  }
}

/** RFC 2326 §10.12 interleaved frame. */
export function frame(channel: number, data: Buffer): Buffer {
  const h = Buffer.from([0x24, channel, 0, 0]);
  h.writeUInt16BE(data.length, 2);
  return Buffer.concat([h, data]);
}

export function sdpFor(encoding: string, payloadType: number, clockRate: number, channels = 1): string {
  return [
    "v=0",
    "o=- 1 1 IN IP4 127.0.0.1",
    "s=probe test",
    "c=IN IP4 0.0.0.0",
    "t=0 0",
    "a=control:*",
    `m=audio 0 RTP/AVP ${payloadType}`,
    `a=rtpmap:${payloadType} ${encoding}/${clockRate}${channels > 1 ? "/" + channels : ""}`,
    "a=control:track1",
    "",
  ].join("\r\n");
}
