// Loss, duplicates and reordering: counts must follow RFC 3550 A.1/A.3 for an injected send schedule.

import { strict as assert } from "node:assert";
import { StreamStats } from "../tools/probe/stats";
import { freeEvenPortPair, patternPayload, rtpPacket, sendPaced, startProbe } from "./probe-support";

/** Send order as unwrapped packet indices: drops, duplicates and late packets injected by hand. */
function schedule(): number[] {
  const order: number[] = [];
  const dropped = new Set([5, 6, 100, 101, 102, 250]);
  for (let n = 0; n < 300; n++) if (!dropped.has(n)) order.push(n);
  const move = (n: number, after: number) => {
    order.splice(order.indexOf(n), 1);
    order.splice(order.indexOf(after) + 1, 0, n);
  };
  move(20, 21); // swapped pair
  move(30, 35); // five places late
  move(200, 260); // sixty places late: still inside MAX_MISORDER
  order.splice(order.indexOf(10) + 1, 0, 10, 10); // arrives three times
  order.splice(order.indexOf(51) + 1, 0, 50); // duplicate after its successor
  order.push(299); // duplicate of the highest
  return order;
}

/** The A.1/A.3 figures for a send order, computed from the unwrapped indices. */
function expectedFigures(order: number[]) {
  const seen = new Set<number>();
  let highest = -Infinity;
  let duplicates = 0;
  let reordered = 0;
  for (const n of order) {
    if (seen.has(n)) duplicates++;
    else if (n < highest) reordered++;
    seen.add(n);
    highest = Math.max(highest, n);
  }
  const first = order[0];
  const expected = highest - first + 1;
  return {
    expected,
    received: order.length,
    lost: expected - order.length,
    missing: expected - seen.size,
    duplicates,
    reordered,
  };
}

const SSRC = 0x51a7e5;
const SEQ0 = 1000;
const TS0 = 123456;
const SAMPLES = 160;

describe("probe: loss, duplicates and reordering", () => {
  const order = schedule();
  const want = expectedFigures(order);

  it("the schedule really contains each kind of fault", () => {
    assert.ok(want.missing === 6 && want.duplicates === 4 && want.reordered === 3, JSON.stringify(want));
  });

  it("StreamStats counts them from injected arrivals", () => {
    const s = new StreamStats(SSRC, 0, { encoding: "PCMU", clockRate: 8000, channels: 1 });
    order.forEach((n, i) =>
      s.onRtp({
        ssrc: SSRC,
        payloadType: 0,
        sequenceNumber: (SEQ0 + n) & 0xffff,
        timestamp: TS0 + n * SAMPLES,
        payloadBytes: SAMPLES,
        arrivalNs: BigInt(i) * 20_000_000n,
      }),
    );
    const r = s.summary();
    assert.deepEqual(
      {
        expected: r.expected,
        received: r.received,
        lost: r.lost,
        missing: r.missing,
        duplicates: r.duplicates,
        reordered: r.reordered,
      },
      want,
    );
    assert.equal(r.packets, order.length);
    assert.equal(r.firstSequence, SEQ0);
    assert.equal(r.invalid, 0);
    assert.equal(r.resyncs, 0);
  });

  it("RFC 3550 cumulative loss goes negative when duplicates outnumber losses", () => {
    const s = new StreamStats(1, 0, null);
    const sends = [0, 1, 1, 1, 3, 4]; // 2 missing, 2 extra copies of 1
    sends.forEach((n, i) =>
      s.onRtp({ ssrc: 1, payloadType: 0, sequenceNumber: n, timestamp: n * 160, payloadBytes: 160, arrivalNs: BigInt(i) }),
    );
    const r = s.summary();
    assert.equal(r.expected, 5);
    assert.equal(r.received, 6);
    assert.equal(r.lost, -1);
    assert.equal(r.missing, 1);
    assert.equal(r.duplicates, 2);
    assert.equal(r.jitter, null, "no clock rate, no jitter");
  });

  it("the receiver counts the same over real UDP on loopback", async () => {
    const port = await freeEvenPortPair();
    const datagrams = order.map((n) =>
      rtpPacket({
        payloadType: 0,
        sequenceNumber: SEQ0 + n,
        timestamp: TS0 + n * SAMPLES,
        ssrc: SSRC,
        payload: patternPayload(SAMPLES, n),
      }),
    );
    const running = startProbe(`rtp://127.0.0.1:${port}`, { packets: datagrams.length, timeoutS: 5 });
    await running.ready;
    await sendPaced(port, datagrams, 1);
    const result = await running.result;
    assert.equal(result.stopReason, "packets");
    assert.equal(result.streams.length, 1);
    const r = result.streams[0];
    assert.equal(r.ssrc, SSRC);
    assert.equal(r.encoding, "PCMU");
    assert.deepEqual(
      {
        expected: r.expected,
        received: r.received,
        lost: r.lost,
        missing: r.missing,
        duplicates: r.duplicates,
        reordered: r.reordered,
      },
      want,
    );
    assert.equal(r.payloadBytes, order.length * SAMPLES);
  });
});
