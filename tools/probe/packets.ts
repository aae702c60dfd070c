// RTP/RTCP packet decoding through rtp.js, so the firmware's packetiser is checked by an independent parser.

import { packets } from "rtp.js";
import type { RtcpItem } from "./session";

const RTCP_APP = 204;
const { ByePacket, CompoundPacket, isRtcp, isRtp, ReceiverReportPacket, RtpPacket, SdesPacket, SenderReportPacket } = packets;
type CompoundPacket = InstanceType<typeof packets.CompoundPacket>;

export interface DecodedRtp {
  ssrc: number;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
  /** Payload without header, CSRCs, extension or padding (a view into the datagram). */
  payload: Buffer;
}

function view(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** RFC 5761 §4: on a shared port, second-byte values 192-223 are RTCP packet types. */
export function looksLikeRtcp(buf: Buffer): boolean {
  return buf.length >= 4 && isRtcp(view(buf));
}

/** Decodes an RTP packet; null when it is not a well-formed RTP version 2 packet. */
export function decodeRtp(buf: Buffer): DecodedRtp | null {
  if (buf.length < 12) return null;
  const v = view(buf);
  if (!isRtp(v)) return null;
  try {
    const p = new RtpPacket(v);
    const pv = p.getPayload();
    return {
      ssrc: p.getSsrc() >>> 0,
      payloadType: p.getPayloadType(),
      sequenceNumber: p.getSequenceNumber(),
      timestamp: p.getTimestamp() >>> 0,
      marker: p.getMarker(),
      payload: Buffer.from(pv.buffer, pv.byteOffset, pv.byteLength),
    };
  } catch {
    return null;
  }
}

/** Decodes a compound RTCP packet into counted items; null when malformed. */
export function decodeRtcp(buf: Buffer): RtcpItem[] | null {
  if (!looksLikeRtcp(buf)) return null;
  let compound: CompoundPacket;
  try {
    compound = new CompoundPacket(view(buf));
  } catch {
    return null;
  }
  const items: RtcpItem[] = [];
  for (const p of compound.getPackets()) {
    if (p instanceof SenderReportPacket) {
      items.push({
        type: "SR",
        info: {
          ssrc: p.getSsrc() >>> 0,
          ntpSeconds: p.getNtpSeconds() >>> 0,
          ntpFraction: p.getNtpFraction() >>> 0,
          rtpTimestamp: p.getRtpTimestamp() >>> 0,
          packetCount: p.getPacketCount() >>> 0,
          octetCount: p.getOctetCount() >>> 0,
        },
      });
    } else if (p instanceof ReceiverReportPacket) {
      items.push({ type: "RR", ssrc: p.getSsrc() >>> 0 });
    } else if (p instanceof SdesPacket) {
      items.push({ type: "SDES" });
    } else if (p instanceof ByePacket) {
      const reason = p.getReason();
      items.push({ type: "BYE", ssrcs: p.getSsrcs().map((s: number) => s >>> 0), ...(reason ? { reason } : {}) });
    } else if (p.getPacketType() === RTCP_APP) {
      items.push({ type: "APP" });
    } else {
      items.push({ type: "OTHER", packetType: p.getPacketType() });
    }
  }
  return items;
}
