// Admission: streams beyond the bandwidth, the buffer pool or the stream count are refused with the reason, and the
// streams already admitted are untouched.
import { strict as assert } from "assert";
import { SimNetwork } from "../tools/harness/network";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { concatPayloads, rtpTo } from "./support/flows";
import { makeWav, toNetworkOrder } from "./support/media";

function scenario(version: "5.1" | "5.3", budget: string, streams: number) {
    const wav = makeWav({ rate: 44100, channels: 2, bits: 16, seconds: 1 });
    const net = new SimNetwork();
    const board = testBoard(version, { files: new Map([["cd.wav", wav.file]]), network: net });
    try {
        board.exec(`local f = require("test.fixtures.streaming")
            r = f.rig({ budget = ${budget} })
            for i = 1, ${streams} do f.openAndPlay(r, "cd.wav", 6000 + 2 * i) end`);
        board.world.runUntil(4e6);
        const refusals = board.evaluate<Array<{ code: number; reason: string }>>("r.refusals") ?? [];
        const admitted = board.evaluate<number>("#r.streams");
        const intact = Array.from({ length: admitted }, (_, i) => concatPayloads(rtpTo(net, 6002 + 2 * i)).equals(toNetworkOrder(wav.data, 2)));
        return { refusals, admitted, intact, pool: board.evaluate<number[]>("{ r.manager.pool.available, r.manager.pool.total }") };
    } finally {
        board.close();
    }
}

eachLuaVersion("admission refuses with a reason", version => {
    it("refuses the stream that would exceed the bandwidth budget (453), the others play intact", () => {
        // A CD-quality stream is 1,411,200 bit/s of payload plus headers: two fit in 3 Mbit/s, three do not.
        const r = scenario(version, "{ maxBitsPerSecond = 3000000 }", 3);
        assert.equal(r.admitted, 2);
        assert.equal(r.refusals.length, 1);
        assert.equal(r.refusals[0].code, 453);
        assert.match(r.refusals[0].reason, /^bandwidth exceeded/);
        assert.deepEqual(r.intact, [true, true]);
    });

    it("refuses when the buffer pool cannot hold the stream's share (453), keeping the rest", () => {
        // 8 buffers of 16 KiB: each CD stream reserves its read-ahead window, so only one fits.
        const r = scenario(version, "{ poolBytes = 131072 }", 2);
        assert.equal(r.admitted, 1);
        assert.equal(r.refusals[0].code, 453);
        assert.match(r.refusals[0].reason, /^buffer pool exhausted/);
        assert.deepEqual(r.intact, [true]);
    });

    it("refuses beyond the board's stream count", () => {
        const r = scenario(version, "{ maxStreams = 2 }", 3);
        assert.equal(r.admitted, 2);
        assert.match(r.refusals[0].reason, /^too many streams/);
    });

    it("gives every buffer back when streams end", () => {
        const r = scenario(version, "{}", 3);
        assert.equal(r.admitted, 3);
        assert.equal(r.pool[0], r.pool[1]);
    });
});
