// Stale data: when the one Lua task is held up (a blocking card stall), packets past the tolerance are dropped and
// counted, and what is sent afterwards leaves on time rather than in a catch-up burst.
import { strict as assert } from "assert";
import { SimNetwork } from "../tools/harness/network";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { deviationsUs, rtpTo } from "./support/flows";
import { makeWav } from "./support/media";

const TOLERANCE = 20_000;
const SEND_PERIOD = 5_000;

eachLuaVersion("stale packets are dropped", version => {
    it("a 300 ms blocking stall drops what fell due meanwhile, counted, and sends nothing late", () => {
        const wav = makeWav({ rate: 44100, channels: 2, bits: 16, seconds: 4 });
        const net = new SimNetwork();
        let stalls = 0;
        const board = testBoard(version, {
            files: new Map([["cd.wav", wav.file]]),
            network: net,
            timerTickUs: 1000,
            // Blocking reads, as a board's SD card: the second read after 1 s holds the Lua task for 300 ms.
            storage: { mode: "blocking", bytesPerSecond: 0, overheadUs: 0, stallUs: t => (t > 1e6 && stalls++ === 0 ? 300_000 : 0) },
        });
        try {
            board.exec(`local f = require("test.fixtures.streaming")
                r = f.rig({ timing = { timerTickUs = 1000, sendPeriodUs = ${SEND_PERIOD}, readPeriodUs = 20000, lateToleranceUs = ${TOLERANCE}, readAheadUs = 250000 } })
                f.openAndPlay(r, "cd.wav", 5004)`);
            board.world.runUntil(8e6);
            const packets = rtpTo(net, 5004);
            const [c] = board.evaluate<Array<{ dropped: number; sent: number }>>(`require("test.fixtures.streaming").counters(r)`);
            assert.ok(c.dropped > 0, "packets were dropped");
            assert.equal(c.sent, packets.length);
            // Independent count of what was dropped: the timestamp gaps beyond one packet's samples.
            let missingSamples = 0;
            for (let i = 1; i < packets.length; i++) {
                const step = (packets[i].timestamp - packets[i - 1].timestamp + 2 ** 32) % 2 ** 32;
                missingSamples += step - packets[i - 1].payload.length / 4;
            }
            const perPacket = packets[0].payload.length / 4;
            assert.equal(missingSamples / perPacket, c.dropped);
            // Nothing that was sent left later than the tolerance (plus one send period of wake-up slack).
            const dev = deviationsUs(packets, 44100);
            assert.ok(Math.max(...dev) <= TOLERANCE + SEND_PERIOD, `max lateness ${Math.max(...dev)} µs`);
            const gapMarked = packets.filter((p, i) => i > 0 && p.marker);
            assert.ok(gapMarked.length >= 1, "the first packet after the gap carries the marker");
        } finally {
            board.close();
        }
    });
});
