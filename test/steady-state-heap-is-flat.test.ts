// Steady state: the Lua heap stays flat over 10 simulated minutes of 4 CD-quality streams (nothing accumulates per packet).
import { strict as assert } from "assert";
import { SimNetwork } from "../tools/harness/network";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { makeWav } from "./support/media";

const MINUTE = 60e6;

eachLuaVersion("steady-state heap is flat", version => {
    it("4 CD-quality streams for 10 simulated minutes: heap after a full collection does not grow", function () {
        this.timeout(600_000);
        const wav = makeWav({ rate: 44100, channels: 2, bits: 16, seconds: 610 });
        const net = new SimNetwork(false);
        const board = testBoard(version, { files: new Map([["long.wav", wav.file]]), network: net, storage: { mode: "async", bytesPerSecond: 20e6, overheadUs: 300 } });
        try {
            board.exec(`local f = require("test.fixtures.streaming")
                r = f.rig({})
                for i = 1, 4 do f.openAndPlay(r, "long.wav", 7000 + 2 * i) end`);
            const samples: Array<{ minute: number; kib: number; packets: number }> = [];
            for (let minute = 1; minute <= 10; minute++) {
                board.world.runUntil(minute * MINUTE);
                const kib = board.evaluate<number>(`(function() collectgarbage("collect") collectgarbage("collect") return collectgarbage("count") end)()`);
                samples.push({ minute, kib, packets: net.sent });
            }
            assert.equal(board.fault, undefined);
            const [c] = board.evaluate<Array<{ dropped: number; state: string }>>(`require("test.fixtures.streaming").counters(r)`);
            assert.equal(c.state, "playing");
            assert.equal(c.dropped, 0);
            // After warm-up (minute 2), the heap at minute 10 is within 1% of it: no per-packet growth.
            const warm = samples[1].kib;
            const last = samples[9].kib;
            assert.ok(Math.abs(last - warm) <= warm * 0.01, `heap ${warm.toFixed(1)} KiB at 2 min, ${last.toFixed(1)} KiB at 10 min`);
            assert.ok(samples[9].packets - samples[1].packets > 4 * 8 * 60 * 100, "the streams kept sending");
        } finally {
            board.close();
        }
    });
});
