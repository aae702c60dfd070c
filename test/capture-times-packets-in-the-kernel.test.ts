// The bench's witness: a tcpdump capture on loopback, read back, gives every RTP packet with the send schedule the sender
// itself recorded (to within a millisecond), including one packet held back on purpose; RTCP on the next port is ignored.
import { strict as assert } from "node:assert";
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { captureProgram, startCapture } from "../tools/bench/capture";
import { level } from "../tools/bench/media";
import { figures } from "../tools/bench/metrics";
import { syncLookup } from "../tools/harness/network";
import { freeEvenPortPair, rtpPacket } from "./probe-support";

const RATE = 8000;
const SAMPLES = 160; // 20 ms per packet
const HELD = 12; // this packet leaves 15 ms late
const HOLD_MS = 15;

describe("packet capture for the bench", function () {
    this.timeout(30_000);
    let dir = "";
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ringcast-capture-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("stamps each datagram as it left: deviations agree with the sender's own clock, the held packet included", async () => {
        const program = captureProgram();
        assert.ok(program, "tcpdump must be installed and allowed to capture on lo (.ci/run installs it; capturing needs root or CAP_NET_RAW)");
        const port = await freeEvenPortPair();
        const sink = dgram.createSocket("udp4");
        await new Promise<void>(r => sink.bind(port, "127.0.0.1", r));
        const cap = await startCapture({ program, dir }, port, port + 1);
        // dgram looks an IP literal up on the next tick; answering at once sends inside send(), right after the stamp.
        const tx = dgram.createSocket({ type: "udp4", lookup: syncLookup as never });
        // When each send began and returned: the kernel stamps the datagram in between.
        const sentNs: number[] = [];
        const returnedNs: number[] = [];
        try {
            const t0 = process.hrtime.bigint();
            for (let i = 0; i < 25; i++) {
                const due = t0 + BigInt(i * 20 + (i === HELD ? HOLD_MS : 0)) * 1_000_000n;
                while (process.hrtime.bigint() < due) await new Promise(r => setTimeout(r, 0));
                const packet = rtpPacket({ payloadType: 96, sequenceNumber: 100 + i, timestamp: 5000 + i * SAMPLES, ssrc: 0x1234, payload: Buffer.alloc(SAMPLES * 2) });
                sentNs.push(Number(process.hrtime.bigint() - t0));
                const sent = new Promise(r => tx.send(packet, port, "127.0.0.1", r));
                returnedNs.push(Number(process.hrtime.bigint() - t0));
                await sent;
                // An RTCP packet (SR, PT 200) on the next port: inside the capture filter, never counted as RTP.
                if (i % 10 === 0) await new Promise(r => tx.send(Buffer.from([0x80, 200, 0, 6, ...Array(24).fill(0)]), port + 1, "127.0.0.1", r));
            }
        } finally {
            tx.close();
        }
        const series = await cap.stop(level([{ rate: RATE, channels: 1 }]));
        sink.close();
        assert.equal(series.length, 1, "one RTP stream");
        const arrivals = series[0].arrivals;
        assert.deepEqual(arrivals.map(a => a.seq), sentNs.map((_t, i) => 100 + i), "every RTP packet, in order, and nothing else");
        const f = figures(series);
        const captured = f.perStream[0].devUs;
        // The sender's own view, from the first packet on: packet i left between these two times (µs), had the sends been
        // stamped at their start and their return. A thread preempted inside a send widens its window, it does not move it.
        for (let i = 0; i < arrivals.length; i++) {
            const gapUs = (arrivals[i].atNs - arrivals[0].atNs) / 1000;
            const earliest = (sentNs[i] - returnedNs[0]) / 1000;
            const latest = (returnedNs[i] - sentNs[0]) / 1000;
            assert.ok(gapUs > earliest - 1000 && gapUs < latest + 1000, `packet ${i}: capture says ${gapUs.toFixed(0)} µs after the first, sender ${earliest.toFixed(0)}-${latest.toFixed(0)} µs`);
        }
        assert.ok(captured[HELD] > (HOLD_MS - 2) * 1000, `the held packet shows its ${HOLD_MS} ms (${captured[HELD].toFixed(0)} µs)`);
        assert.ok(Number.isFinite(cap.firstPacketEpochMs) && Math.abs(cap.firstPacketEpochMs - Date.now()) < 60_000, "the first packet's stamp is on the epoch clock");
    });
});
