// SDP reading (sdp-transform): audio media, payload formats, addresses, ports and RTSP control URLs.

import * as sdpTransform from "sdp-transform";
import { codecFromRtpmap, staticCodec, type Codec } from "./payload";

export interface AudioMedia {
  /** Index of the m= line in the description. */
  index: number;
  port: number;
  protocol: string;
  payloadTypes: number[];
  /** Codecs by payload type: a=rtpmap entries, else the static table. */
  codecs: Map<number, Codec>;
  /** Connection address without TTL/count suffix (media level, else session level). */
  address: string | null;
  ttl: number | null;
  /** Explicit RTCP port (a=rtcp), else null (port + 1 applies). */
  rtcpPort: number | null;
  rtcpMux: boolean;
  /** a=control of the media, if any. */
  control: string | null;
  /** Sources from a=source-filter incl (SSM), if any. */
  sources: string[];
}

export interface SessionInfo {
  name: string | null;
  control: string | null;
  media: AudioMedia[];
}

/** True for IPv4 multicast (224.0.0.0/4) and IPv6 multicast (ff00::/8). */
export function isMulticast(address: string): boolean {
  if (address.includes(":")) return address.toLowerCase().startsWith("ff");
  const first = Number(address.split(".")[0]);
  return first >= 224 && first <= 239;
}

function splitAddress(raw: string | undefined): { address: string | null; ttl: number | null } {
  if (!raw) return { address: null, ttl: null };
  const [address, ttl] = raw.split("/");
  return { address, ttl: ttl !== undefined && isMulticast(address) ? Number(ttl) : null };
}

/** Parses an SDP text and keeps its audio m= sections (RTP/AVP, RTP/AVPF, RTP/SAVP are all read). */
export function parseSdp(text: string): SessionInfo {
  const s = sdpTransform.parse(text);
  if (!s || !Array.isArray(s.media)) throw new Error("SDP has no media description");
  const media: AudioMedia[] = [];
  s.media.forEach((m, index) => {
    if (m.type !== "audio") return;
    const payloadTypes = String(m.payloads ?? "")
      .trim()
      .split(/\s+/)
      .filter((x) => x !== "")
      .map(Number)
      .filter((n) => Number.isInteger(n));
    const codecs = new Map<number, Codec>();
    for (const pt of payloadTypes) {
      const st = staticCodec(pt);
      if (st) codecs.set(pt, st);
    }
    for (const r of m.rtp ?? []) {
      if (r.rate) codecs.set(r.payload, codecFromRtpmap(r.codec, r.rate, r.encoding));
    }
    const conn = splitAddress(m.connection?.ip ?? s.connection?.ip);
    const filter = m.sourceFilter ?? s.sourceFilter;
    const sources =
      filter && filter.filterMode === "incl" ? filter.srcList.split(/\s+/).filter((x) => x !== "") : [];
    media.push({
      index,
      port: m.port,
      protocol: m.protocol,
      payloadTypes,
      codecs,
      address: conn.address,
      ttl: conn.ttl,
      rtcpPort: m.rtcp?.port ?? null,
      rtcpMux: m.rtcpMux === "rtcp-mux",
      control: m.control ?? null,
      sources,
    });
  });
  if (media.length === 0) throw new Error("SDP has no audio media");
  return { name: s.name ?? null, control: s.control ?? null, media };
}

/**
 * Resolves an a=control value against the RTSP base URL (Content-Base, else the request URL),
 * RFC 2326 §C.1.1: "*" or absent means the base itself; relative names are appended to it.
 */
export function resolveControl(base: string, control: string | null): string {
  if (!control || control === "*") return base;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(control)) return control;
  return (base.endsWith("/") ? base : base + "/") + control.replace(/^\//, "");
}
