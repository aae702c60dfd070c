// Transport-independent receive path: decode datagrams or frames, feed statistics, recorder and trace.

import { AudioRecorder, canRecord } from "./audio";
import { decodeRtcp, decodeRtp, looksLikeRtcp } from "./packets";
import type { Codec } from "./payload";
import { isDynamicPayloadType, staticCodec } from "./payload";
import type { SequenceVerdict } from "./sequence";
import { SessionStats } from "./session";

/** One received RTP packet, for callers that want to recompute figures themselves. */
export interface TraceEntry {
  ssrc: number;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  /** Arrival in ns after the first RTP packet of the session (exact integer). */
  arrivalNs: number;
  verdict: SequenceVerdict;
}

export interface ReceiverOptions {
  /** Codec for a payload type; defaults to the static table. */
  codecFor?: (payloadType: number) => Codec | undefined;
  record?: boolean;
  trace?: boolean;
}

export class Receiver {
  readonly stats: SessionStats;
  readonly trace: TraceEntry[] | null;
  readonly warnings = new Set<string>();
  recorder: AudioRecorder | null = null;
  recordedSsrc: number | null = null;
  firstArrivalNs: bigint | null = null;
  lastArrivalNs: bigint | null = null;
  /** Called after each RTP packet (any verdict). */
  onRtpPacket: (() => void) | null = null;
  /** Called after each RTCP compound packet. */
  onRtcpPacket: (() => void) | null = null;
  private readonly record: boolean;
  private readonly codecFor: (pt: number) => Codec | undefined;

  constructor(opts: ReceiverOptions = {}) {
    this.codecFor = opts.codecFor ?? staticCodec;
    this.record = opts.record ?? false;
    this.trace = opts.trace ? [] : null;
    this.stats = new SessionStats((pt) => {
      const c = this.codecFor(pt);
      if (!c) {
        this.warnings.add(
          isDynamicPayloadType(pt)
            ? `payload type ${pt} is dynamic and has no rtpmap: jitter and clock deviation need an SDP`
            : `payload type ${pt} has no known clock rate: jitter and clock deviation not computed`,
        );
      }
      return c;
    });
  }

  /** A datagram from an RTP port; with `muxed`, RTCP packets on it are recognised (RFC 5761). */
  onRtpData(buf: Buffer, arrivalNs: bigint, muxed = true): void {
    if (muxed && looksLikeRtcp(buf)) return this.onRtcpData(buf);
    const p = decodeRtp(buf);
    if (!p) {
      this.stats.onMalformedRtp();
      return;
    }
    if (this.firstArrivalNs === null) this.firstArrivalNs = arrivalNs;
    this.lastArrivalNs = arrivalNs;
    const r = this.stats.onRtp({
      ssrc: p.ssrc,
      payloadType: p.payloadType,
      sequenceNumber: p.sequenceNumber,
      timestamp: p.timestamp,
      payloadBytes: p.payload.length,
      arrivalNs,
    });
    if (this.trace) {
      this.trace.push({
        ssrc: p.ssrc,
        payloadType: p.payloadType,
        sequenceNumber: p.sequenceNumber,
        timestamp: p.timestamp,
        arrivalNs: Number(arrivalNs - this.firstArrivalNs),
        verdict: r.verdict,
      });
    }
    if (this.record) this.recordPacket(p.ssrc, r.stream.codec, r.verdict, r.extended, r.extendedTimestamp, p.payload);
    this.onRtpPacket?.();
  }

  /** A datagram from an RTCP port or channel. */
  onRtcpData(buf: Buffer): void {
    const items = decodeRtcp(buf);
    if (!items) this.stats.onMalformedRtcp();
    else this.stats.onRtcp(items);
    this.onRtcpPacket?.();
  }

  private recordPacket(
    ssrc: number,
    codec: Codec | null,
    verdict: SequenceVerdict,
    extSeq: number,
    extTs: number,
    payload: Buffer,
  ): void {
    if (this.recordedSsrc === null) {
      if (!canRecord(codec)) {
        this.warnings.add(`cannot record ${codec ? codec.encoding : "unknown"} audio: no audio file written`);
        return;
      }
      this.recordedSsrc = ssrc;
      this.recorder = new AudioRecorder(codec!);
    } else if (ssrc !== this.recordedSsrc) {
      this.warnings.add(`several SSRCs: only SSRC ${this.recordedSsrc} is recorded`);
      return;
    }
    const rec = this.recorder!;
    if (verdict === "resync") rec.restart();
    if (verdict === "next" || verdict === "reordered" || verdict === "resync") rec.add(extSeq, extTs, payload);
  }
}
