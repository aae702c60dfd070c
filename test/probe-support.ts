// Test support for the probe: hand-built RTP/RTCP packets, loopback ports and a paced synthetic sender.

import * as dgram from "node:dgram";
import * as net from "node:net";
import { probe, type ProbeOptions, type ProbeResult } from "../tools/probe/probe";

/** Starts a probe; `ready` resolves once it listens, so a test sender never races the bind. */
export function startProbe(url: string, options: ProbeOptions): { ready: Promise<void>; result: Promise<ProbeResult> } {
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const result = probe(url, { ...options, onReady });
  // If setup fails, `ready` never resolves: surface the error through it too.
  return { ready: Promise.race([ready, result.then(() => undefined)]), result };
}

export interface RtpFields {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  payload?: Buffer;
  /** Padding bytes to append (sets the P bit). */
  padding?: number;
}

/** RFC 3550 §5.1 fixed header, written byte by byte (independent of the probe's parser). */
export function rtpPacket(f: RtpFields): Buffer {
  const payload = f.payload ?? Buffer.alloc(0);
  const pad = f.padding ?? 0;
  const b = Buffer.alloc(12 + payload.length + pad);
  b[0] = 0x80 | (pad > 0 ? 0x20 : 0);
  b[1] = (f.marker ? 0x80 : 0) | (f.payloadType & 0x7f);
  b.writeUInt16BE(f.sequenceNumber & 0xffff, 2);
  b.writeUInt32BE(f.timestamp >>> 0, 4);
  b.writeUInt32BE(f.ssrc >>> 0, 8);
  payload.copy(b, 12);
  if (pad > 0) b[b.length - 1] = pad;
  return b;
}

/** RTCP sender report without report blocks (RFC 3550 §6.4.1). */
export function rtcpSenderReport(ssrc: number, rtpTimestamp: number, packetCount: number, octetCount: number): Buffer {
  const b = Buffer.alloc(28);
  b[0] = 0x80;
  b[1] = 200;
  b.writeUInt16BE(28 / 4 - 1, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  b.writeUInt32BE(0xe5a1b2c3, 8);
  b.writeUInt32BE(0x80000000, 12);
  b.writeUInt32BE(rtpTimestamp >>> 0, 16);
  b.writeUInt32BE(packetCount >>> 0, 20);
  b.writeUInt32BE(octetCount >>> 0, 24);
  return b;
}

/** RTCP SDES with one CNAME item. */
export function rtcpSdes(ssrc: number, cname: string): Buffer {
  const item = Buffer.concat([Buffer.from([1, cname.length]), Buffer.from(cname, "ascii")]);
  const chunkLen = 4 + item.length + 1;
  const padded = Math.ceil(chunkLen / 4) * 4;
  const b = Buffer.alloc(4 + padded);
  b[0] = 0x81;
  b[1] = 202;
  b.writeUInt16BE(b.length / 4 - 1, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  item.copy(b, 8);
  return b;
}

/** RTCP BYE for one SSRC. */
export function rtcpBye(ssrc: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = 0x81;
  b[1] = 203;
  b.writeUInt16BE(1, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  return b;
}

/** An even UDP port on 127.0.0.1 whose odd neighbour was free as well when probed. */
export async function freeEvenPortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 2 * Math.floor(Math.random() * 9000) + 30000;
    const ok = await Promise.all([port, port + 1].map((p) => udpPortFree(p)));
    if (ok.every(Boolean)) return port;
  }
  throw new Error("no free UDP port pair on 127.0.0.1");
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket("udp4");
    s.once("error", () => {
      s.close();
      resolve(false);
    });
    s.bind(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1 with nothing listening (for "connection refused"). */
export function closedTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Sends datagrams to address:port (127.0.0.1 by default), one every `intervalMs`, then closes its socket.
 * Multicast goes out of the loopback interface only, with TTL 0.
 */
export async function sendPaced(port: number, datagrams: Buffer[], intervalMs = 2, address = "127.0.0.1"): Promise<void> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve));
  if (Number(address.split(".")[0]) >= 224) {
    s.setMulticastInterface("127.0.0.1");
    s.setMulticastTTL(0);
    s.setMulticastLoopback(true);
  }
  try {
    for (const d of datagrams) {
      await new Promise<void>((resolve, reject) => s.send(d, port, address, (err) => (err ? reject(err) : resolve())));
      if (intervalMs > 0) await sleep(intervalMs);
    }
  } finally {
    await new Promise<void>((r) => s.close(() => r()));
  }
}

/** A payload of `n` bytes whose content depends on `seed` (to tell packets apart in output files). */
export function patternPayload(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}
