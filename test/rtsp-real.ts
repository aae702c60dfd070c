// Test support on real sockets: free ports, a host run on sample media, ffmpeg as a client, a small RTSP/RTP client.
import { spawn } from "child_process";
import * as dgram from "dgram";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { HostRun, HostRunOptions, startHostRun } from "../tools/run/host-run";
import { ReplyParser, RtspReply } from "./rtsp-support";

/** A free TCP port, and an even UDP port whose successor is free too. */
export async function freePorts(): Promise<{ tcp: number; udp: number }> {
    const tcp = await new Promise<number>((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const p = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(p));
        });
    });
    for (let attempt = 0; attempt < 50; attempt++) {
        const base = 20000 + 2 * Math.floor(Math.random() * 20000);
        const ok = await Promise.all([base, base + 1].map(p => new Promise<boolean>(resolve => {
            const s = dgram.createSocket("udp4");
            s.once("error", () => (s.close(), resolve(false)));
            s.bind(p, "127.0.0.1", () => s.close(() => resolve(true)));
        })));
        if (ok.every(Boolean)) return { tcp, udp: base };
    }
    throw new Error("no free UDP port pair");
}

export function tempDir(tag: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `ringcast-${tag}-`));
}

/** A host run on free loopback ports; the bundle is built into its own folder so parallel runs do not share one. */
export async function startRun(sd: string, extra: Partial<HostRunOptions> = {}): Promise<{ run: HostRun; logs: string[]; buildDir: string }> {
    const ports = await freePorts();
    const logs: string[] = [];
    const buildDir = tempDir("build");
    const run = await startHostRun({ sd, rtspPort: ports.tcp, udpPortBase: ports.udp, bind: "127.0.0.1", buildDir, log: l => logs.push(l), ...extra });
    return { run, logs, buildDir };
}

/** Runs ffmpeg to completion (bounded); resolves with stdout, rejects with stderr on failure or timeout. */
export function ffmpeg(ffmpegPath: string, args: string[], timeoutMs = 30_000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const p = spawn(ffmpegPath, ["-hide_banner", "-nostdin", "-v", "error", ...args], { stdio: ["ignore", "pipe", "pipe"] });
        const out: Buffer[] = [];
        let err = "";
        p.stdout.on("data", d => out.push(d));
        p.stderr.on("data", d => (err += d));
        const timer = setTimeout(() => {
            p.kill("SIGKILL");
            reject(new Error(`ffmpeg ${args.join(" ")} timed out: ${err}`));
        }, timeoutMs);
        p.on("close", code => {
            clearTimeout(timer);
            if (code === 0) resolve(Buffer.concat(out));
            else reject(new Error(`ffmpeg exited with ${code}: ${err}`));
        });
    });
}

export interface RtpPacket {
    seq: number;
    timestamp: number;
    ssrc: number;
    payloadType: number;
    payload: Buffer;
}

/** RFC 3550 §5.1 fixed header, CSRCs and extension skipped, padding removed. */
export function parseRtp(b: Buffer): RtpPacket | undefined {
    if (b.length < 12 || b[0] >> 6 !== 2) return undefined;
    let offset = 12 + 4 * (b[0] & 0x0f);
    if (b[0] & 0x10) offset += 4 + 4 * b.readUInt16BE(offset + 2);
    const end = b[0] & 0x20 ? b.length - b[b.length - 1] : b.length;
    return { payloadType: b[1] & 0x7f, seq: b.readUInt16BE(2), timestamp: b.readUInt32BE(4), ssrc: b.readUInt32BE(8), payload: b.subarray(offset, end) };
}

/** A minimal RTSP client over real TCP, receiving RTP over UDP on a port pair it binds itself. */
export class RealClient {
    private readonly parser = new ReplyParser();
    private cseq = 0;
    readonly packets: RtpPacket[] = [];
    /** RTCP packet types received (200 SR, 203 BYE...), every packet of every compound. */
    readonly rtcpTypes: number[] = [];
    private constructor(private readonly sock: net.Socket, readonly rtp: dgram.Socket, readonly rtcpSock: dgram.Socket, readonly rtpPort: number) {
        sock.on("data", (d: Buffer) => this.parser.push(d));
        rtp.on("message", m => {
            const p = parseRtp(m);
            if (p) this.packets.push(p);
        });
        rtcpSock.on("message", m => {
            for (let o = 0; o + 4 <= m.length; o += 4 * (m.readUInt16BE(o + 2) + 1)) this.rtcpTypes.push(m[o + 1]);
        });
    }

    static async connect(port: number): Promise<RealClient> {
        const { udp } = await freePorts();
        const bind = (p: number): Promise<dgram.Socket> =>
            new Promise((resolve, reject) => {
                const s = dgram.createSocket("udp4");
                s.once("error", reject);
                s.bind(p, "127.0.0.1", () => resolve(s));
            });
        const [rtp, rtcp] = [await bind(udp), await bind(udp + 1)];
        const sock = await new Promise<net.Socket>((resolve, reject) => {
            const s = net.connect(port, "127.0.0.1", () => resolve(s));
            s.once("error", e => {
                rtp.close();
                rtcp.close();
                reject(e);
            });
        });
        return new RealClient(sock, rtp, rtcp, udp);
    }

    async request(method: string, url: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<RtspReply> {
        const cseq = String(++this.cseq);
        this.sock.write(`${method} ${url} RTSP/1.0\r\nCSeq: ${cseq}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`);
        const until = Date.now() + timeoutMs;
        for (;;) {
            const r = this.parser.replies.find(x => x.headers.cseq === cseq);
            if (r) return r;
            if (Date.now() > until) throw new Error(`no answer to ${method} ${url}`);
            await new Promise(res => setTimeout(res, 5));
        }
    }

    close(): void {
        this.sock.destroy();
        this.rtp.close();
        this.rtcpSock.close();
    }
}

export const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms));
