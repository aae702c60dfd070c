// Per-stream receive statistics (pure, arrival times injected): loss, jitter, media-clock deviation, RTCP.

import { SequenceTracker, type SequenceVerdict } from "./sequence";
import type { Codec } from "./payload";

/** One received RTP packet as the statistics see it. */
export interface RtpArrival {
  ssrc: number;
  payloadType: number;
  sequenceNumber: number;
  /** 32-bit RTP timestamp. */
  timestamp: number;
  payloadBytes: number;
  /** Receive time in ns on a monotonic clock (process.hrtime.bigint() in the socket handler). */
  arrivalNs: bigint;
}

/** An RTCP sender report's sender info (RFC 3550 §6.4.1). */
export interface SenderInfo {
  ssrc: number;
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export interface Distribution {
  samples: number;
  max: number;
  mean: number;
  p50: number;
  p99: number;
  p999: number;
}

export interface StreamSummary {
  ssrc: number;
  payloadType: number;
  encoding: string | null;
  clockRate: number | null;
  channels: number | null;
  /** Every RTP packet seen for this SSRC, whatever its verdict. */
  packets: number;
  payloadBytes: number;
  firstSequence: number | null;
  /** RFC 3550 A.3 figures (cumulative over resyncs). */
  expected: number;
  received: number;
  /** expected - received: the RFC 3550 cumulative loss (duplicates make it smaller, even negative). */
  lost: number;
  /** Sequence numbers never received (expected - distinct received). */
  missing: number;
  duplicates: number;
  reordered: number;
  invalid: number;
  resyncs: number;
  /** RFC 3550 A.8 interarrival jitter: the estimator after the last packet, and its max and mean over the run. */
  jitter: { lastTs: number; maxTs: number; meanTs: number; lastUs: number; maxUs: number; meanUs: number } | null;
  /** Lateness of each packet against the earliest schedule the media clock allows, µs. */
  deviationUs: Distribution | null;
  /** Gaps between consecutive arrivals, µs. */
  interarrivalUs: { max: number; mean: number } | null;
  /** First to last arrival, seconds. */
  receiveSeconds: number;
  /** Media time spanned: (highest - lowest extended timestamp) / clock rate, seconds; null after a resync. */
  mediaSeconds: number | null;
  senderReports: number;
  bye: boolean;
  lastSenderReport: SenderInfo | null;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Signed difference of two 32-bit values, in -2^31..2^31-1. */
function delta32(a: number, b: number): number {
  return ((a - b) | 0);
}

export class StreamStats {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly codec: Codec | null;
  readonly seq = new SequenceTracker();
  packets = 0;
  payloadBytes = 0;
  senderReports = 0;
  bye = false;
  lastSenderReport: SenderInfo | null = null;

  private firstArrivalNs: bigint | null = null;
  private lastArrivalNs: bigint | null = null;
  private maxGapNs = 0;
  private lastExtTs: number | null = null;
  private minExtTs = Infinity;
  private maxExtTs = -Infinity;
  // A.8 jitter state (timestamp units).
  private transit: number | null = null;
  private jitter = 0;
  private jitterMax = 0;
  private jitterSum = 0;
  private jitterCount = 0;
  // Media clock fit: offset (ns) = arrival - (extTs - segment origin) / rate, per packet.
  private offsets = new Float64Array(1024);
  private nOffsets = 0;
  private segmentStarts: number[] = [];
  private segmentOriginTs = 0;
  private segMin = Infinity;
  private segMax = -Infinity;
  private liveMaxDeviationNs = 0;

  constructor(ssrc: number, payloadType: number, codec: Codec | null) {
    this.ssrc = ssrc;
    this.payloadType = payloadType;
    this.codec = codec;
  }

  get clockRate(): number | null {
    return this.codec ? this.codec.clockRate : null;
  }

  /** Accounts one packet; returns the sequence verdict and extended sequence number. */
  onRtp(p: RtpArrival): { verdict: SequenceVerdict; extended: number; extendedTimestamp: number } {
    this.packets++;
    const u = this.seq.update(p.sequenceNumber);
    if (u.verdict === "invalid") return { ...u, extendedTimestamp: NaN };
    this.payloadBytes += p.payloadBytes;
    if (this.firstArrivalNs === null) this.firstArrivalNs = p.arrivalNs;
    if (this.lastArrivalNs !== null) {
      const gap = Number(p.arrivalNs - this.lastArrivalNs);
      if (gap > this.maxGapNs) this.maxGapNs = gap;
    }
    this.lastArrivalNs = p.arrivalNs;

    const restart = u.verdict === "resync" || this.lastExtTs === null;
    const ts = p.timestamp >>> 0;
    const extTs = restart ? ts : (this.lastExtTs as number) + delta32(ts, (this.lastExtTs as number) >>> 0);
    this.lastExtTs = extTs;
    if (restart) {
      this.transit = null;
      this.segmentStarts.push(this.nOffsets);
      this.segmentOriginTs = extTs;
      this.segMin = Infinity;
      this.segMax = -Infinity;
      this.minExtTs = Math.min(this.minExtTs, extTs);
      this.maxExtTs = Math.max(this.maxExtTs, extTs);
    } else {
      if (extTs < this.minExtTs) this.minExtTs = extTs;
      if (extTs > this.maxExtTs) this.maxExtTs = extTs;
    }

    const rate = this.clockRate;
    if (rate !== null) {
      const arrivalRelNs = Number(p.arrivalNs - this.firstArrivalNs);
      // A.8: transit = arrival (in timestamp units) - timestamp; J += (|D| - J) / 16.
      const transit = (arrivalRelNs * rate) / 1e9 - extTs;
      if (this.transit !== null) {
        const d = Math.abs(transit - this.transit);
        this.jitter += (d - this.jitter) / 16;
        if (this.jitter > this.jitterMax) this.jitterMax = this.jitter;
        this.jitterSum += this.jitter;
        this.jitterCount++;
      }
      this.transit = transit;
      if (u.verdict !== "duplicate") this.addOffset(arrivalRelNs - ((extTs - this.segmentOriginTs) * 1e9) / rate);
    }
    return { ...u, extendedTimestamp: extTs };
  }

  onSenderReport(sr: SenderInfo): void {
    this.senderReports++;
    this.lastSenderReport = { ...sr };
  }

  onBye(): void {
    this.bye = true;
  }

  /** Current A.8 jitter estimate in timestamp units (null without a clock rate). */
  get currentJitter(): number | null {
    return this.clockRate === null ? null : this.jitter;
  }

  /** Largest deviation so far in µs, updated per packet (cheap, for progress lines). */
  get currentMaxDeviationUs(): number | null {
    return this.nOffsets === 0 ? null : this.liveMaxDeviationNs / 1000;
  }

  private addOffset(offsetNs: number): void {
    if (this.nOffsets === this.offsets.length) {
      const grown = new Float64Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[this.nOffsets++] = offsetNs;
    if (offsetNs < this.segMin) this.segMin = offsetNs;
    if (offsetNs > this.segMax) this.segMax = offsetNs;
    this.liveMaxDeviationNs = Math.max(this.liveMaxDeviationNs, this.segMax - this.segMin);
  }

  /** Deviations in µs: each segment's offsets minus that segment's minimum offset. */
  deviationsUs(): Float64Array {
    const out = new Float64Array(this.nOffsets);
    const bounds = [...this.segmentStarts, this.nOffsets];
    for (let s = 0; s + 1 < bounds.length; s++) {
      let min = Infinity;
      for (let i = bounds[s]; i < bounds[s + 1]; i++) min = Math.min(min, this.offsets[i]);
      for (let i = bounds[s]; i < bounds[s + 1]; i++) out[i] = (this.offsets[i] - min) / 1000;
    }
    return out;
  }

  summary(): StreamSummary {
    const rate = this.clockRate;
    const toUs = (ts: number) => (rate ? (ts / rate) * 1e6 : NaN);
    let deviation: Distribution | null = null;
    if (this.nOffsets > 0) {
      const devs = this.deviationsUs();
      let sum = 0;
      for (const d of devs) sum += d;
      const sorted = devs.slice().sort();
      deviation = {
        samples: sorted.length,
        max: sorted[sorted.length - 1],
        mean: sum / sorted.length,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        p999: percentile(sorted, 99.9),
      };
    }
    const span =
      this.firstArrivalNs !== null && this.lastArrivalNs !== null ? Number(this.lastArrivalNs - this.firstArrivalNs) : 0;
    const gaps = this.seq.received - 1;
    return {
      ssrc: this.ssrc,
      payloadType: this.payloadType,
      encoding: this.codec ? this.codec.encoding : null,
      clockRate: rate,
      channels: this.codec ? this.codec.channels : null,
      packets: this.packets,
      payloadBytes: this.payloadBytes,
      firstSequence: this.seq.firstSeq,
      expected: this.seq.expected,
      received: this.seq.received,
      lost: this.seq.lost,
      missing: this.seq.missing,
      duplicates: this.seq.duplicates,
      reordered: this.seq.reordered,
      invalid: this.seq.invalid,
      resyncs: this.seq.resyncs,
      jitter:
        rate === null
          ? null
          : {
              lastTs: this.jitter,
              maxTs: this.jitterMax,
              meanTs: this.jitterCount ? this.jitterSum / this.jitterCount : 0,
              lastUs: toUs(this.jitter),
              maxUs: toUs(this.jitterMax),
              meanUs: toUs(this.jitterCount ? this.jitterSum / this.jitterCount : 0),
            },
      deviationUs: deviation,
      interarrivalUs: gaps > 0 ? { max: this.maxGapNs / 1000, mean: span / gaps / 1000 } : null,
      receiveSeconds: span / 1e9,
      mediaSeconds: rate && this.maxExtTs >= this.minExtTs && this.seq.resyncs === 0 ? (this.maxExtTs - this.minExtTs) / rate : null,
      senderReports: this.senderReports,
      bye: this.bye,
      lastSenderReport: this.lastSenderReport,
    };
  }
}
