// Arrival deviation from the media clock: lateness against the earliest schedule the timestamps allow.

import { strict as assert } from "node:assert";
import { StreamStats } from "../tools/probe/stats";
import { freeEvenPortPair, rtpPacket, sendPaced, startProbe } from "./probe-support";

/** Nearest-rank percentile (the smallest value with at least p% of samples at or below it). */
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

function close(actual: number, expected: number, what: string, tol = 1e-6): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} != ${expected}`);
}

/** Feeds packets of `samples` per packet; arrival of packet i = its nominal time * stretch + delay_i. */
function feed(rate: number, samples: number, delaysNs: number[], stretch = 1, seqOf = (i: number) => i): StreamStats {
  const s = new StreamStats(5, 96, { encoding: "L16", clockRate: rate, channels: 2 });
  delaysNs.forEach((d, i) => {
    const n = seqOf(i);
    const nominalNs = ((n * samples) / rate) * 1e9;
    s.onRtp({
      ssrc: 5,
      payloadType: 96,
      sequenceNumber: n,
      timestamp: 77 + n * samples,
      payloadBytes: samples * 4,
      arrivalNs: 3_000_000_000n + BigInt(Math.round(nominalNs * stretch + d)),
    });
  });
  return s;
}

describe("probe: arrival deviation from the media clock", () => {
  it("reports injected delays relative to the smallest one: max, mean, p50, p99, p99.9", () => {
    let x = 12345;
    const delays = [...Array(1000).keys()].map(() => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return 250_000 + (x % 3_000_000); // 0.25 .. 3.25 ms, so the minimum is not zero
    });
    // 48 kHz with 480-sample packets: nominal times are whole nanoseconds.
    const d = feed(48000, 480, delays).summary().deviationUs!;
    const min = Math.min(...delays);
    const devUs = delays.map((v) => (v - min) / 1000);
    assert.equal(d.samples, 1000);
    close(d.max, Math.max(...devUs), "max");
    close(d.mean, devUs.reduce((a, b) => a + b, 0) / devUs.length, "mean");
    close(d.p50, nearestRank(devUs, 50), "p50");
    close(d.p99, nearestRank(devUs, 99), "p99");
    close(d.p999, nearestRank(devUs, 99.9), "p99.9");
  });

  it("the fit uses the minimum offset, not the first packet: a late first packet shows as late", () => {
    const delays = Array(100).fill(0);
    delays[0] = 2_000_000;
    const d = feed(44100, 441, delays).summary().deviationUs!;
    close(d.max, 2000, "max");
    close(d.p50, 0, "p50");
    close(d.mean, 20, "mean");
  });

  it("a sender 0.1% slow drifts later and later", () => {
    const n = 500;
    const d = feed(48000, 960, Array(n).fill(0), 1.001).summary().deviationUs!;
    // Packet i is late by 0.001 * its nominal time (i * 20 ms) against the first one.
    close(d.max, 0.001 * (n - 1) * 20_000, "max", 1e-3);
    close(d.p50, 0.001 * (Math.ceil(n / 2) - 1) * 20_000, "p50", 1e-3);
  });

  it("a sender 0.1% fast: the last packet is the reference and the first is the latest", () => {
    const n = 500;
    const d = feed(48000, 960, Array(n).fill(0), 0.999).summary().deviationUs!;
    close(d.max, 0.001 * (n - 1) * 20_000, "max", 1e-3);
  });

  it("duplicates are left out, reordered packets are kept", () => {
    const seqs = [0, 1, 3, 2, 4, 4, 5];
    const delays = [0, 0, 0, 1_000_000, 0, 5_000_000, 0]; // the late copy of 4 would be the max if counted
    const d = feed(8000, 160, delays, 1, (i) => seqs[i]).summary().deviationUs!;
    assert.equal(d.samples, 6);
    close(d.max, 1000, "max");
  });

  it("a real UDP run reports what its own arrival trace gives", async () => {
    const port = await freeEvenPortPair();
    const n = 100;
    const datagrams = [...Array(n).keys()].map((i) =>
      rtpPacket({ payloadType: 11, sequenceNumber: 300 + i, timestamp: 5 + 441 * i, ssrc: 77, payload: Buffer.alloc(882) }),
    );
    const running = startProbe(`rtp://127.0.0.1:${port}`, { packets: n, timeoutS: 5, trace: true });
    await running.ready;
    await sendPaced(port, datagrams, 3);
    const result = await running.result;
    const offsets = result.trace!.map((e) => e.arrivalNs - ((e.timestamp - 5) / 44100) * 1e9);
    const min = Math.min(...offsets);
    const devUs = offsets.map((o) => (o - min) / 1000);
    const d = result.streams[0].deviationUs!;
    close(d.max, Math.max(...devUs), "max", 1e-3);
    close(d.p50, nearestRank(devUs, 50), "p50", 1e-3);
    close(d.p99, nearestRank(devUs, 99), "p99", 1e-3);
    close(d.mean, devUs.reduce((a, b) => a + b, 0) / n, "mean", 1e-3);
  });
});
