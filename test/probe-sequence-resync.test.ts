// RFC 3550 A.1 large sequence jumps: a lone stray packet is discarded, two in a row restart the count.

import { strict as assert } from "node:assert";
import { SequenceTracker } from "../tools/probe/sequence";
import { StreamStats } from "../tools/probe/stats";

describe("probe: sequence jumps and resynchronisation", () => {
  it("a single packet far outside the window is invalid and changes nothing", () => {
    const t = new SequenceTracker();
    for (let s = 100; s < 110; s++) t.update(s);
    assert.equal(t.update(40000).verdict, "invalid");
    for (let s = 110; s < 120; s++) assert.equal(t.update(s).verdict, "next");
    assert.deepEqual([t.expected, t.received, t.lost, t.invalid, t.resyncs], [20, 20, 0, 1, 0]);
  });

  it("two sequential packets after a jump restart the count; totals carry over", () => {
    const t = new SequenceTracker();
    for (let s = 100; s <= 110; s++) t.update(s); // 11 expected, 11 received
    // Now the sender restarts at 30000 (a jump of ~29900: neither in order nor a late packet).
    assert.equal(t.update(30000).verdict, "invalid");
    assert.equal(t.update(30001).verdict, "resync");
    for (let s = 30002; s < 30010; s++) t.update(s);
    // First run: 100..110 (11), second run from 30001: 30001..30009 (9). 30000 was discarded as A.1 does.
    assert.deepEqual([t.expected, t.received, t.lost, t.invalid, t.resyncs], [20, 20, 0, 1, 1]);
  });

  it("a jump just inside MAX_DROPOUT is loss, not a restart", () => {
    const t = new SequenceTracker();
    t.update(0);
    assert.equal(t.update(2999).verdict, "next");
    assert.deepEqual([t.expected, t.lost], [3000, 2998]);
    assert.equal(t.update(2999 + 3000).verdict, "invalid");
  });

  it("after a restart with a new timestamp base, lateness is measured against the new run's clock", () => {
    const s = new StreamStats(1, 0, { encoding: "PCMU", clockRate: 8000, channels: 1 });
    const send = (seq: number, ts: number, atMs: number) =>
      s.onRtp({ ssrc: 1, payloadType: 0, sequenceNumber: seq, timestamp: ts, payloadBytes: 160, arrivalNs: BigInt(atMs * 1e6) });
    for (let i = 0; i < 10; i++) send(500 + i, 1000 + 160 * i, 20 * i);
    // Restart: new sequence and a timestamp base unrelated to the old one, 1 s later.
    for (let i = 0; i < 10; i++) send(20000 + i, 3_000_000_000 + 160 * i, 1200 + 20 * i + (i === 5 ? 3 : 0));
    const r = s.summary();
    assert.equal(r.resyncs, 1);
    assert.equal(r.invalid, 1);
    assert.equal(r.deviationUs!.max, 3000, "only the injected 3 ms, not the jump between runs");
    assert.equal(r.mediaSeconds, null);
  });
});
