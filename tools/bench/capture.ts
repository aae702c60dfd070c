// The bench's independent witness: tcpdump on loopback stamps each datagram in the kernel (ns); read back as RTP arrivals.
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { decodeRtp, looksLikeRtcp } from "../probe/packets";
import type { TraceEntry } from "../probe/receiver";
import { Level } from "./media";
import { Series } from "./metrics";
import { toSeries } from "./receiver";

export interface CaptureOptions {
    program: string;
    /** Folder for the capture file. */
    dir: string;
}

export interface Capture {
    /** Stops the capture and returns one series per stream, timed by the kernel's stamps. */
    stop(level: Level): Promise<Series[]>;
    /** After stop(): the first RTP packet's kernel stamp in ms since the epoch (performance.timeOrigin's clock), or NaN. */
    firstPacketEpochMs: number;
    kill(): void;
}

/** tcpdump, when installed and allowed to capture on loopback (root or CAP_NET_RAW); else undefined. */
export function captureProgram(): string | undefined {
    const r = spawnSync("tcpdump", ["-i", "lo", "-c", "1", "-w", os.devNull, "udp port 9"], { timeout: 1500, encoding: "utf8" });
    // Allowed: it says it listens, then waits for a packet until the timeout stops it. Refused: it exits with an error.
    return /listening on/.test(r.stderr ?? "") ? "tcpdump" : undefined;
}

/** Starts capturing UDP to ports lowPort..highPort on loopback; resolves once tcpdump listens. */
export function startCapture(o: CaptureOptions, lowPort: number, highPort: number): Promise<Capture> {
    const file = path.join(o.dir, `capture-${lowPort}.pcap`);
    const child: ChildProcess = spawn(o.program, ["-i", "lo", "-n", "-U", "--immediate-mode", "-B", "65536", "--time-stamp-precision=nano", "-w", file, `udp and dst portrange ${lowPort}-${highPort}`], {
        stdio: ["ignore", "ignore", "pipe"],
    });
    const kill = (): void => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    };
    const exited = new Promise<void>(res => child.on("exit", () => res()));
    return new Promise((resolve, reject) => {
        let err = "";
        const guard = setTimeout(() => (kill(), reject(new Error(`tcpdump did not start: ${err.trim()}`))), 5000);
        child.stderr!.on("data", (d: Buffer) => {
            err += d.toString();
            if (/listening on/.test(err)) {
                clearTimeout(guard);
                const capture: Capture = {
                    kill,
                    firstPacketEpochMs: NaN,
                    stop: async level => {
                        // Let the last datagrams reach the capture, then stop it cleanly so the file is complete.
                        await new Promise(res => setTimeout(res, 300));
                        child.kill("SIGINT");
                        await exited;
                        const { trace, firstNs } = readPcap(fs.readFileSync(file));
                        capture.firstPacketEpochMs = firstNs === undefined ? NaN : Number(firstNs / 1000n) / 1000;
                        fs.rmSync(file, { force: true });
                        return toSeries(level, trace);
                    },
                };
                resolve(capture);
            }
        });
        child.on("error", e => (clearTimeout(guard), reject(e)));
    });
}

/** Link-layer header lengths of the link types loopback captures come in. */
const LINK_HEADER: Record<number, number> = { 0: 4, 1: 14, 113: 16, 276: 20 };

/** RTP packets of a pcap file (IPv4/UDP), with kernel stamps in ns after the first one (`firstNs`, since the epoch). */
export function readPcap(buf: Buffer): { trace: TraceEntry[]; firstNs?: bigint } {
    const magic = buf.readUInt32LE(0);
    const nano = magic === 0xa1b23c4d;
    if (!nano && magic !== 0xa1b2c3d4) throw new Error("not a little-endian pcap file");
    const link = LINK_HEADER[buf.readUInt32LE(20) & 0xffff];
    if (link === undefined) throw new Error(`unexpected link type ${buf.readUInt32LE(20)}`);
    const out: TraceEntry[] = [];
    let first: bigint | undefined;
    for (let p = 24; p + 16 <= buf.length; ) {
        const sec = BigInt(buf.readUInt32LE(p));
        const frac = BigInt(buf.readUInt32LE(p + 4));
        const incl = buf.readUInt32LE(p + 8);
        const t = sec * 1_000_000_000n + (nano ? frac : frac * 1000n);
        const frame = buf.subarray(p + 16, p + 16 + incl);
        p += 16 + incl;
        const ip = frame.subarray(link);
        if (ip.length < 28 || ip[0] >> 4 !== 4 || ip[9] !== 17) continue;
        const udpPayload = ip.subarray((ip[0] & 15) * 4 + 8);
        const rtp = looksLikeRtcp(udpPayload) ? null : decodeRtp(udpPayload);
        if (!rtp) continue;
        first ??= t;
        out.push({ ssrc: rtp.ssrc, payloadType: rtp.payloadType, sequenceNumber: rtp.sequenceNumber, timestamp: rtp.timestamp, arrivalNs: Number(t - first), verdict: "next" });
    }
    return { trace: out, firstNs: first };
}
