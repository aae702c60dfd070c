// Bad input never crashes the firmware: unplayable files are refused with a reason the control plane can report, and a
// read error mid-stream ends that stream with RTCP BYE while the others keep running.
import { strict as assert } from "assert";
import * as crypto from "crypto";
import { SimNetwork } from "../tools/harness/network";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { concatPayloads, rtcpTo, rtcpTypes, rtpTo } from "./support/flows";
import { makeWav, toNetworkOrder } from "./support/media";

eachLuaVersion("bad files never crash the firmware", version => {
    it("refuses missing (404), empty, truncated, bogus, text and random files (415) with a reason", () => {
        const good = makeWav({ rate: 8000, channels: 1, bits: 16, seconds: 0.5 }).file;
        const bogus = Buffer.from(good);
        bogus.writeUInt32LE(0xffffffff, 16); // fmt chunk claims 4 GiB
        const files = new Map<string, Buffer>([
            ["empty.wav", Buffer.alloc(0)],
            ["truncated.wav", good.subarray(0, 30)],
            ["bogus.wav", bogus],
            ["notes.txt", Buffer.from("these are not the droids you are looking for\n".repeat(50))],
            ["random.bin", crypto.randomBytes(8192)],
        ]);
        const board = testBoard(version, { files, network: new SimNetwork() });
        try {
            const names = ["missing.wav", ...files.keys()];
            board.exec(`local f = require("test.fixtures.streaming")
                r = f.rig({})
                for _, name in ipairs({ ${names.map(n => JSON.stringify(n)).join(", ")} }) do f.openAndPlay(r, name, 5004) end`);
            board.world.runUntil(1e6);
            assert.equal(board.fault, undefined);
            const refusals = board.evaluate<Array<{ code: number; reason: string }>>("r.refusals");
            assert.equal(refusals.length, names.length);
            assert.equal(refusals[0].code, 404);
            for (const r of refusals.slice(1)) {
                assert.equal(r.code, 415);
                assert.ok(r.reason.length > 5, `a reason: ${r.reason}`);
            }
            assert.equal(board.evaluate("#r.streams"), 0);
        } finally {
            board.close();
        }
    });

    it("a read error mid-stream ends that stream with BYE; the other stream plays to the end", () => {
        const a = makeWav({ rate: 44100, channels: 2, bits: 16, seconds: 2, seed: 1 });
        const b = makeWav({ rate: 44100, channels: 2, bits: 16, seconds: 2, seed: 2 });
        const net = new SimNetwork();
        const board = testBoard(version, {
            files: new Map([["a.wav", a.file], ["b.wav", b.file]]),
            network: net,
            storage: { mode: "async", bytesPerSecond: 0, overheadUs: 200, failRead: (name, offset) => (name === "a.wav" && offset > 200_000 ? "card removed" : undefined) },
        });
        try {
            board.exec(`local f = require("test.fixtures.streaming")
                r = f.rig({})
                f.openAndPlay(r, "a.wav", 5004)
                f.openAndPlay(r, "b.wav", 5006)`);
            board.world.runUntil(5e6);
            assert.equal(board.fault, undefined);
            const ended = board.evaluate<string[]>("r.ended");
            assert.ok(ended.includes("a.wav: read error: card removed"), ended.join("; "));
            assert.ok(ended.includes("b.wav: end of file"));
            assert.ok(concatPayloads(rtpTo(net, 5006)).equals(toNetworkOrder(b.data, 2)), "the other stream is intact");
            const aBytes = concatPayloads(rtpTo(net, 5004));
            assert.ok(aBytes.length < a.data.length && toNetworkOrder(a.data, 2).subarray(0, aBytes.length).equals(aBytes));
            const bye = rtcpTo(net, 5005).filter(p => rtcpTypes(p).includes(203));
            assert.ok(bye.length >= 1, "RTCP BYE sent for the failed stream");
        } finally {
            board.close();
        }
    });
});
