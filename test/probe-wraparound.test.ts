// 16-bit sequence and 32-bit timestamp wrap-around: no false loss, resync, jitter or lateness at the wrap.

import { strict as assert } from "node:assert";
import { StreamStats } from "../tools/probe/stats";
import { freeEvenPortPair, rtpPacket, sendPaced, startProbe } from "./probe-support";

const PCMU = { encoding: "PCMU", clockRate: 8000, channels: 1 };

interface Sent {
  n: number;
  arrivalNs: number;
}

function run(stats: StreamStats, seq0: number, ts0: number, samples: number, sent: Sent[]): void {
  for (const p of sent) {
    stats.onRtp({
      ssrc: stats.ssrc,
      payloadType: 0,
      sequenceNumber: (seq0 + p.n) % 65536,
      timestamp: (ts0 + p.n * samples) % 2 ** 32,
      payloadBytes: samples,
      arrivalNs: BigInt(p.arrivalNs),
    });
  }
}

describe("probe: sequence and timestamp wrap-around", () => {
  it("sequence and timestamp both wrap inside the run, with loss, a late packet and a duplicate at the wrap", () => {
    const seq0 = 65500; // wraps at n = 36
    const ts0 = 2 ** 32 - 160 * 50; // wraps at n = 50
    const order: number[] = [];
    for (let n = 0; n < 200; n++) if (n !== 35 && n !== 36) order.push(n); // seq 65535 and 0 lost
    order.splice(order.indexOf(34), 1); // seq 65534 is not in its own place...
    order.splice(order.indexOf(37) + 1, 0, 34); // ...but arrives after seq 1
    order.splice(order.indexOf(38) + 1, 0, 33); // seq 65533 duplicated after the wrap
    // Arrivals on the exact 20 ms schedule of each packet's own timestamp.
    const sent = order.map((n) => ({ n, arrivalNs: n * 20_000_000 }));
    const s = new StreamStats(1, 0, PCMU);
    run(s, seq0, ts0, 160, sent);
    const r = s.summary();
    assert.equal(r.expected, 200);
    assert.equal(r.received, order.length);
    assert.equal(r.missing, 2);
    assert.equal(r.lost, 200 - order.length);
    assert.equal(r.reordered, 1);
    assert.equal(r.duplicates, 1);
    assert.equal(r.invalid, 0);
    assert.equal(r.resyncs, 0);
    assert.equal(r.jitter!.maxTs, 0, "every transit time is equal, so D is always 0");
    assert.equal(r.deviationUs!.max, 0);
    assert.equal(r.mediaSeconds, (199 * 160) / 8000);
  });

  it("counts sequence cycles over several wraps", () => {
    const total = 140_000; // more than two full cycles of 65536
    const sent: Sent[] = [];
    for (let n = 0; n < total; n++) if (n % 1000 !== 500) sent.push({ n, arrivalNs: n * 20_000_000 });
    const s = new StreamStats(2, 0, PCMU);
    run(s, 60000, 4_000_000_000, 160, sent);
    const r = s.summary();
    assert.equal(r.expected, total);
    assert.equal(r.missing, total / 1000);
    assert.equal(r.lost, total / 1000);
    assert.equal(r.resyncs + r.invalid, 0);
    assert.equal(r.mediaSeconds, ((total - 1) * 160) / 8000);
    assert.equal(r.deviationUs!.max, 0);
  });

  it("lateness is measured across a timestamp wrap", () => {
    const delays = [0, 300_000, 0, 1_500_000, 20_000, 0, 700_000, 0, 0, 2_000_000];
    const sent = delays.map((d, n) => ({ n, arrivalNs: 1e9 + n * 20_000_000 + d }));
    const s = new StreamStats(3, 0, PCMU);
    run(s, 10, 2 ** 32 - 160 * 4, 160, sent); // wraps between n = 3 and n = 4
    const d = s.summary().deviationUs!;
    assert.equal(d.max, 2000);
    assert.equal(d.samples, delays.length);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length / 1000;
    assert.ok(Math.abs(d.mean - mean) < 1e-9, `mean ${d.mean} != ${mean}`);
  });

  it("over real UDP: both counters wrap, two packets lost at the wrap", async () => {
    const port = await freeEvenPortPair();
    const seq0 = 65530;
    const ts0 = 2 ** 32 - 160 * 3;
    const sentN = [...Array(40).keys()].filter((n) => n !== 6 && n !== 7);
    const datagrams = sentN.map((n) =>
      rtpPacket({
        payloadType: 8,
        sequenceNumber: seq0 + n,
        timestamp: (ts0 + 160 * n) % 2 ** 32,
        ssrc: 0xfeedf00d,
        payload: Buffer.alloc(160, 0xd5),
      }),
    );
    const running = startProbe(`rtp://127.0.0.1:${port}`, { packets: datagrams.length, timeoutS: 5 });
    await running.ready;
    await sendPaced(port, datagrams, 1);
    const r = (await running.result).streams[0];
    assert.equal(r.encoding, "PCMA");
    assert.equal(r.firstSequence, seq0);
    assert.equal(r.expected, 40);
    assert.equal(r.lost, 2);
    assert.equal(r.resyncs + r.invalid, 0);
    assert.equal(r.mediaSeconds, (39 * 160) / 8000);
  });
});
