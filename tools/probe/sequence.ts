// RTP sequence number bookkeeping per RFC 3550 Appendix A.1/A.3: extended sequence, loss, duplicates, reordering.

const RTP_SEQ_MOD = 0x10000;
/** RFC 3550 A.1 suggested values. */
export const MAX_DROPOUT = 3000;
export const MAX_MISORDER = 100;

/**
 * What happened to one packet:
 * - "next": the highest sequence so far (in order, possibly after a gap);
 * - "reordered": arrived after a packet with a higher sequence number, first copy;
 * - "duplicate": a sequence number already received (any copy after the first);
 * - "invalid": a large jump, discarded as A.1 does until the next packet confirms it;
 * - "resync": the packet confirming a large jump; counting restarts there (A.1 init_seq).
 */
export type SequenceVerdict = "next" | "reordered" | "duplicate" | "invalid" | "resync";

export interface SequenceUpdate {
  verdict: SequenceVerdict;
  /** Extended sequence number (cycles + seq) within the current run; NaN for "invalid". */
  extended: number;
}

/**
 * A.1 update_seq without the probation phase: the first packet is accepted at once, so every
 * packet the sender emitted from the first one received onward is accounted for. Counts survive
 * a resync: `expected` and `received` are cumulative over all runs.
 */
export class SequenceTracker {
  private started = false;
  private maxSeq = 0;
  private cycles = 0;
  private baseExt = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private priorExpected = 0;
  private seen = new Set<number>();
  private sincePrune = 0;

  /** Packets accepted (A.1 `received`: includes duplicates and reordered packets). */
  received = 0;
  duplicates = 0;
  reordered = 0;
  invalid = 0;
  resyncs = 0;
  /** Distinct sequence numbers received, per run, summed. */
  unique = 0;
  /** First sequence number received. */
  firstSeq: number | null = null;

  /** Highest extended sequence number of the current run. */
  get highestExtended(): number {
    return this.cycles + this.maxSeq;
  }

  /** A.3: expected = extended_max - base_seq + 1 (summed over runs). */
  get expected(): number {
    if (!this.started) return 0;
    return this.priorExpected + (this.highestExtended - this.baseExt + 1);
  }

  /** A.3 cumulative number of packets lost: expected - received (negative with duplicates). */
  get lost(): number {
    return this.expected - this.received;
  }

  /** Sequence numbers in the expected range that never arrived (never negative). */
  get missing(): number {
    return this.expected - this.unique;
  }

  update(seq: number): SequenceUpdate {
    seq &= 0xffff;
    if (!this.started) {
      this.started = true;
      this.firstSeq = seq;
      this.initSeq(seq);
      return this.accept(seq, "next");
    }
    const udelta = (seq - this.maxSeq + RTP_SEQ_MOD) % RTP_SEQ_MOD;
    if (udelta < MAX_DROPOUT) {
      if (udelta === 0) return this.accept(this.highestExtended, "next");
      // In order, with a permissible gap.
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
      return this.accept(this.highestExtended, "next");
    }
    if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // The sequence number made a very large jump.
      if (seq === this.badSeq) {
        // Two sequential packets: assume the other side restarted without telling us.
        this.priorExpected = this.expected;
        this.resyncs++;
        this.initSeq(seq);
        return this.accept(seq, "resync");
      }
      this.badSeq = (seq + 1) & 0xffff;
      this.invalid++;
      return { verdict: "invalid", extended: NaN };
    }
    // Duplicate or reordered packet, from at most MAX_MISORDER behind.
    let ext = this.cycles + seq;
    if (seq > this.maxSeq) ext -= RTP_SEQ_MOD;
    return this.accept(ext, "reordered");
  }

  private initSeq(seq: number): void {
    this.baseExt = seq;
    this.maxSeq = seq;
    this.cycles = 0;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.seen.clear();
  }

  private accept(ext: number, verdict: SequenceVerdict): SequenceUpdate {
    this.received++;
    if (this.seen.has(ext)) {
      this.duplicates++;
      return { verdict: "duplicate", extended: ext };
    }
    this.seen.add(ext);
    this.unique++;
    if (verdict === "reordered") this.reordered++;
    if (++this.sincePrune >= 8192) this.prune();
    return { verdict, extended: ext };
  }

  /** Forget sequence numbers too old to be told apart from a new packet anyway. */
  private prune(): void {
    this.sincePrune = 0;
    const floor = this.highestExtended - RTP_SEQ_MOD;
    for (const e of this.seen) if (e < floor) this.seen.delete(e);
  }
}
