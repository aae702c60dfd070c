// Interarrival jitter must be the RFC 3550 §6.4.1/A.8 estimator, in timestamp units and in µs.

import { strict as assert } from "node:assert";
import { StreamStats } from "../tools/probe/stats";
import { freeEvenPortPair, rtpPacket, sendPaced, startProbe } from "./probe-support";

/**
 * RFC 3550 §6.4.1 written out: D(i-1,i) = (R_i - R_{i-1}) - (S_i - S_{i-1}) over packets in arrival
 * order, R the arrival time in timestamp units; J <- J + (|D| - J)/16. Returns J after each packet.
 */
function referenceJitter(arrivalNs: number[], timestamps: number[], rate: number): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 1; i < arrivalNs.length; i++) {
    const dR = ((arrivalNs[i] - arrivalNs[i - 1]) / 1e9) * rate;
    const dS = timestamps[i] - timestamps[i - 1];
    j += (Math.abs(dR - dS) - j) / 16;
    out.push(j);
  }
  return out;
}

function close(actual: number, expected: number, what: string): void {
  const tol = 1e-9 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} != ${expected}`);
}

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function feed(stats: StreamStats, seqs: number[], timestamps: number[], arrivalNs: number[]): void {
  seqs.forEach((seq, i) =>
    stats.onRtp({
      ssrc: stats.ssrc,
      payloadType: stats.payloadType,
      sequenceNumber: seq,
      timestamp: timestamps[i],
      payloadBytes: 100,
      arrivalNs: BigInt(arrivalNs[i]),
    }),
  );
}

describe("probe: RFC 3550 interarrival jitter", () => {
  it("a constant |D| of d gives J_n = d * (1 - (15/16)^n)", () => {
    // 8 kHz, 20 ms packets; every odd packet arrives 1 ms (8 timestamp units) late, so |D| = 8 each time.
    const n = 50;
    const seqs = [...Array(n).keys()];
    const ts = seqs.map((i) => 5000 + 160 * i);
    const arrivals = seqs.map((i) => i * 20_000_000 + (i % 2 ? 1_000_000 : 0));
    const s = new StreamStats(7, 0, { encoding: "PCMU", clockRate: 8000, channels: 1 });
    feed(s, seqs, ts, arrivals);
    const j = s.summary().jitter!;
    const updates = n - 1;
    const expectedLast = 8 * (1 - Math.pow(15 / 16, updates));
    close(j.lastTs, expectedLast, "last (ts units)");
    close(j.lastUs, (expectedLast / 8000) * 1e6, "last (µs)");
    close(j.maxTs, expectedLast, "max equals last for a rising estimate");
    let sum = 0;
    for (let k = 1; k <= updates; k++) sum += 8 * (1 - Math.pow(15 / 16, k));
    close(j.meanTs, sum / updates, "mean over updates");
    close(j.meanUs, (sum / updates / 8000) * 1e6, "mean (µs)");
  });

  it("a perfectly paced stream has zero jitter", () => {
    const seqs = [...Array(100).keys()];
    const ts = seqs.map((i) => 441 * i);
    const arrivals = seqs.map((i) => i * 10_000_000); // 441 samples at 44.1 kHz = 10 ms
    const s = new StreamStats(7, 11, { encoding: "L16", clockRate: 44100, channels: 1 });
    feed(s, seqs, ts, arrivals);
    const j = s.summary().jitter!;
    assert.ok(Math.abs(j.maxTs) < 1e-6, `max ${j.maxTs}`);
  });

  it("matches the definition for random delays, in arrival order, reordered packets included", () => {
    const rnd = prng(42);
    const n = 2000;
    const rate = 44100;
    const send = [...Array(n).keys()];
    // Swap a few neighbours: D is taken between consecutive arrivals, not consecutive sequence numbers.
    for (const k of [100, 500, 503, 1500]) [send[k], send[k + 1]] = [send[k + 1], send[k]];
    const seqs = send.map((i) => (40000 + i) & 0xffff);
    const ts = send.map((i) => 1_000_000 + 350 * i);
    let t = 0;
    const arrivals = send.map(() => (t += Math.round(7_936_508 + (rnd() - 0.3) * 3_000_000)));
    const s = new StreamStats(9, 10, { encoding: "L16", clockRate: rate, channels: 2 });
    feed(s, seqs, ts, arrivals);
    const ref = referenceJitter(arrivals, ts, rate);
    const j = s.summary().jitter!;
    close(j.lastTs, ref[ref.length - 1], "last");
    close(j.maxTs, Math.max(...ref), "max");
    close(j.meanTs, ref.reduce((a, b) => a + b, 0) / ref.length, "mean");
    close(j.lastUs, (ref[ref.length - 1] / rate) * 1e6, "last µs");
    assert.equal(s.summary().reordered, 4);
  });

  it("the figure reported for a real UDP run equals the definition applied to its own arrival trace", async () => {
    const port = await freeEvenPortPair();
    const n = 120;
    const datagrams = [...Array(n).keys()].map((i) =>
      rtpPacket({ payloadType: 0, sequenceNumber: 7 + i, timestamp: 90 + 160 * i, ssrc: 0xabc, payload: Buffer.alloc(160, 0xff) }),
    );
    const running = startProbe(`rtp://127.0.0.1:${port}`, { packets: n, timeoutS: 5, trace: true });
    await running.ready;
    await sendPaced(port, datagrams, 2);
    const result = await running.result;
    const trace = result.trace!;
    assert.equal(trace.length, n);
    const ref = referenceJitter(
      trace.map((e) => e.arrivalNs),
      trace.map((e) => e.timestamp),
      8000,
    );
    const j = result.streams[0].jitter!;
    close(j.lastTs, ref[ref.length - 1], "last");
    close(j.maxTs, Math.max(...ref), "max");
    close(j.lastUs, (ref[ref.length - 1] / 8000) * 1e6, "last µs");
  });
});
