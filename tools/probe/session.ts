// Session-wide statistics: one StreamStats per SSRC plus RTCP packet counters (pure, no I/O).

import type { Codec } from "./payload";
import { StreamStats, type RtpArrival, type SenderInfo, type StreamSummary } from "./stats";
import type { SequenceVerdict } from "./sequence";

/** One RTCP packet from a compound packet, reduced to what the probe counts. */
export type RtcpItem =
  | { type: "SR"; info: SenderInfo }
  | { type: "RR"; ssrc: number }
  | { type: "SDES" }
  | { type: "BYE"; ssrcs: number[]; reason?: string }
  | { type: "APP" }
  | { type: "OTHER"; packetType: number };

export interface RtcpCounters {
  /** Compound RTCP datagrams or frames. */
  compounds: number;
  senderReports: number;
  receiverReports: number;
  sdes: number;
  bye: number;
  app: number;
  other: number;
  malformed: number;
}

interface PendingRtcp {
  srs: SenderInfo[];
  bye: boolean;
}

export class SessionStats {
  readonly streams = new Map<number, StreamStats>();
  readonly rtcp: RtcpCounters = {
    compounds: 0,
    senderReports: 0,
    receiverReports: 0,
    sdes: 0,
    bye: 0,
    app: 0,
    other: 0,
    malformed: 0,
  };
  /** All well-formed RTP packets, any SSRC, any verdict. */
  rtpPackets = 0;
  malformedRtp = 0;
  private pending = new Map<number, PendingRtcp>();

  /** codecFor maps a payload type to its codec (from the SDP or the static table). */
  constructor(private readonly codecFor: (payloadType: number) => Codec | undefined) {}

  onRtp(p: RtpArrival): { stream: StreamStats; verdict: SequenceVerdict; extended: number; extendedTimestamp: number } {
    this.rtpPackets++;
    let stream = this.streams.get(p.ssrc);
    if (!stream) {
      stream = new StreamStats(p.ssrc, p.payloadType, this.codecFor(p.payloadType) ?? null);
      this.streams.set(p.ssrc, stream);
      const early = this.pending.get(p.ssrc);
      if (early) {
        for (const sr of early.srs) stream.onSenderReport(sr);
        if (early.bye) stream.onBye();
        this.pending.delete(p.ssrc);
      }
    }
    return { stream, ...stream.onRtp(p) };
  }

  onMalformedRtp(): void {
    this.malformedRtp++;
  }

  onMalformedRtcp(): void {
    this.rtcp.malformed++;
  }

  onRtcp(items: RtcpItem[]): void {
    this.rtcp.compounds++;
    for (const item of items) {
      switch (item.type) {
        case "SR": {
          this.rtcp.senderReports++;
          const s = this.streams.get(item.info.ssrc);
          if (s) s.onSenderReport(item.info);
          else this.pendingFor(item.info.ssrc).srs.push(item.info);
          break;
        }
        case "RR":
          this.rtcp.receiverReports++;
          break;
        case "SDES":
          this.rtcp.sdes++;
          break;
        case "BYE":
          this.rtcp.bye++;
          for (const ssrc of item.ssrcs) {
            const s = this.streams.get(ssrc);
            if (s) s.onBye();
            else this.pendingFor(ssrc).bye = true;
          }
          break;
        case "APP":
          this.rtcp.app++;
          break;
        default:
          this.rtcp.other++;
      }
    }
  }

  /** True once every stream seen has sent an RTCP BYE (and at least one stream exists). */
  allSaidBye(): boolean {
    if (this.streams.size === 0) return false;
    for (const s of this.streams.values()) if (!s.bye) return false;
    return true;
  }

  summaries(): StreamSummary[] {
    return [...this.streams.values()].map((s) => s.summary());
  }

  private pendingFor(ssrc: number): PendingRtcp {
    let p = this.pending.get(ssrc);
    if (!p) {
      p = { srs: [], bye: false };
      this.pending.set(ssrc, p);
    }
    return p;
  }
}
