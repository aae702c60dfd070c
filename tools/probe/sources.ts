// Passive UDP inputs: an SDP file (ports and addresses it names) and rtp://group:port URLs.

import type * as dgram from "node:dgram";
import { promises as fs } from "node:fs";
import { ProbeError } from "./errors";
import type { Codec } from "./payload";
import type { Receiver } from "./receiver";
import { isMulticast, parseSdp } from "./sdp";
import { bindMediaSocket, closeAll, listen } from "./udp";

export interface UdpInputInfo {
  kind: "sdp" | "rtp";
  sessionName: string | null;
  streams: { address: string | null; multicast: boolean; rtpPort: number; rtcpPort: number | null }[];
}

export interface UdpSource {
  info: UdpInputInfo;
  stop(): Promise<void>;
}

export interface UdpInputOptions {
  codecs: Map<number, Codec>;
  receiver: Receiver;
  onEnd: (reason: string) => void;
  onWarning: (msg: string) => void;
  /** Local interface address for multicast joins. */
  iface?: string;
}

/** Binds the named local unicast address, or any address when it is not local. */
async function bindUnicast(address: string | null, port: number): Promise<dgram.Socket> {
  if (address && address !== "0.0.0.0" && address !== "::") {
    try {
      return await bindMediaSocket(address, port);
    } catch (err) {
      if (!/EADDRNOTAVAIL|EINVAL/.test((err as Error).message)) throw err;
    }
  }
  return bindMediaSocket(null, port);
}

async function openStream(
  address: string | null,
  rtpPort: number,
  rtcpPort: number | null,
  sources: string[],
  opts: UdpInputOptions,
  sockets: dgram.Socket[],
): Promise<UdpInputInfo["streams"][number]> {
  const mcast = address !== null && isMulticast(address);
  const onError = (err: Error) => opts.onEnd(`UDP socket error: ${err.message}`);
  const open = (port: number) =>
    mcast ? bindMediaSocket(address, port, { sources, iface: opts.iface }) : bindUnicast(address, port);
  const rtp = await open(rtpPort);
  sockets.push(rtp);
  listen(rtp, (msg, at) => opts.receiver.onRtpData(msg, at, true), onError);
  let boundRtcp: number | null = null;
  if (rtcpPort !== null) {
    try {
      const rtcp = await open(rtcpPort);
      sockets.push(rtcp);
      listen(rtcp, (msg) => opts.receiver.onRtcpData(msg), onError);
      boundRtcp = rtcpPort;
    } catch (err) {
      opts.onWarning(`RTCP port ${rtcpPort} not bound: ${(err as Error).message}`);
    }
  }
  return { address, multicast: mcast, rtpPort, rtcpPort: boundRtcp };
}

/** Receives the audio media an SDP file describes. */
export async function startSdpFile(path: string, opts: UdpInputOptions): Promise<UdpSource> {
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch (err) {
    throw new ProbeError("SDP", `cannot read SDP file ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  let sdp;
  try {
    sdp = parseSdp(text);
  } catch (err) {
    throw new ProbeError("SDP", `${path}: ${(err as Error).message}`);
  }
  const sockets: dgram.Socket[] = [];
  const info: UdpInputInfo = { kind: "sdp", sessionName: sdp.name, streams: [] };
  try {
    for (const m of sdp.media) {
      if (m.port <= 0) throw new ProbeError("SDP", `${path}: audio media ${m.index} has no port`);
      for (const [pt, c] of m.codecs) opts.codecs.set(pt, c);
      const rtcpPort = m.rtcpMux ? null : (m.rtcpPort ?? m.port + 1);
      info.streams.push(await openStream(m.address, m.port, rtcpPort, m.sources, opts, sockets));
    }
  } catch (err) {
    closeAll(sockets);
    throw err;
  }
  return { info, stop: async () => closeAll(sockets) };
}

/** Parses rtp://[@]host:port (port defaults to 5004, RFC 3551 §11). */
export function parseRtpUrl(raw: string): { address: string | null; port: number } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ProbeError("BAD_URL", `not a valid URL: ${raw}`);
  }
  if (u.protocol !== "rtp:") throw new ProbeError("BAD_URL", `not an rtp:// URL: ${raw}`);
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = u.port ? Number(u.port) : 5004;
  return { address: host === "" ? null : host, port };
}

/** Receives rtp://group:port (multicast join) or rtp://local-address:port; RTCP on port + 1 when free. */
export async function startRtpUrl(raw: string, opts: UdpInputOptions): Promise<UdpSource> {
  const { address, port } = parseRtpUrl(raw);
  const sockets: dgram.Socket[] = [];
  try {
    const stream = await openStream(address, port, port + 1, [], opts, sockets);
    return { info: { kind: "rtp", sessionName: null, streams: [stream] }, stop: async () => closeAll(sockets) };
  } catch (err) {
    closeAll(sockets);
    throw err;
  }
}
