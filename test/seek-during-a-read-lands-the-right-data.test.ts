// A seek while a slow asynchronous read is still out: the late answer is ignored, and what is sent after the seek is
// exactly the audio from the new position on (no old data at the new position).
import { strict as assert } from "assert";
import { SimNetwork } from "../tools/harness/network";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { concatPayloads, rtpTo } from "./support/flows";
import { makeWav, toNetworkOrder } from "./support/media";

eachLuaVersion("seek during a read lands the right data", version => {
    it("PLAY with a Range while the first reads are in flight", () => {
        const wav = makeWav({ rate: 44100, channels: 2, bits: 16, seconds: 3 });
        const net = new SimNetwork();
        // Reads answer 40 ms after they start, later than the seek below.
        const board = testBoard(version, { files: new Map([["a.wav", wav.file]]), network: net, storage: { mode: "async", bytesPerSecond: 0, overheadUs: 40_000 } });
        try {
            board.exec(`local f = require("test.fixtures.streaming") r = f.rig({}) f.openAndPlay(r, "a.wav", 5004)`);
            // Opening reads the header first (40 ms a read); once admitted, the stream's first data read goes out.
            let t = 0;
            while (board.evaluate<number>("#r.streams") === 0 && t < 1e6) board.world.runUntil((t += 5_000));
            board.world.runUntil(t + 10_000);
            assert.equal(board.evaluate("r.streams[1].reading"), true, "a read is in flight at the seek");
            const seekUs = board.world.nowUs();
            board.exec(`seek = r.manager:play(r.streams[1], 2000000)`);
            board.world.runUntil(6e6);
            assert.equal(board.fault, undefined);
            const packets = rtpTo(net, 5004).filter(p => p.atUs >= seekUs);
            assert.ok(packets.length > 20);
            const info = board.evaluate<{ rtptime: number; startUs: number }>("seek");
            assert.equal(packets[0].timestamp, info.rtptime, "RTP-Info's rtptime is the first packet's after the seek");
            const startByte = Math.round((info.startUs * 44100) / 1e6) * 4;
            assert.ok(Math.abs(info.startUs - 2e6) < 10_000, `started at ${info.startUs} µs`);
            assert.ok(concatPayloads(packets).equals(toNetworkOrder(wav.data, 2).subarray(startByte)), "after the seek: the audio from the new position to the end");
        } finally {
            board.close();
        }
    });
});
