// Byte-exact delivery: each format's RTP payloads reassemble to the source audio in RFC byte order; timestamps count samples.
import { strict as assert } from "assert";
import { SimNetwork } from "../tools/harness/network";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { concatPayloads, rtpTo } from "./support/flows";
import { makeAu, makeWav, toNetworkOrder } from "./support/media";

interface Case {
    name: string;
    file: Buffer;
    expected: Buffer;
    frameBytes: number;
    pt?: number;
}

function cases(): Case[] {
    const odd = Buffer.from("ringcast!", "latin1"); // 9 bytes: odd-size chunk with a pad byte
    const w16 = makeWav({ rate: 44100, channels: 2, bits: 16, seconds: 1.3, chunksBefore: [["LIST", odd]], chunksAfter: [["junk", odd]] });
    const w24 = makeWav({ rate: 48000, channels: 2, bits: 24, seconds: 0.7, format: 0xfffe });
    const w8 = makeWav({ rate: 22050, channels: 1, bits: 8, seconds: 0.9 });
    const ulaw = makeWav({ rate: 8000, channels: 1, bits: 8, seconds: 2.1, format: 7 });
    const alaw = makeWav({ rate: 8000, channels: 1, bits: 8, seconds: 1.1, format: 6 });
    const au16 = makeAu(3, 16000, 2, 1.2);
    const auUlaw = makeAu(1, 8000, 1, 1.5);
    return [
        { name: "WAV 16-bit stereo 44.1k (PT 10) with LIST and trailing chunks", file: w16.file, expected: toNetworkOrder(w16.data, 2), frameBytes: 4, pt: 10 },
        { name: "WAV_FORMAT_EXTENSIBLE 24-bit 48k", file: w24.file, expected: toNetworkOrder(w24.data, 3), frameBytes: 6 },
        { name: "WAV 8-bit mono (L8)", file: w8.file, expected: w8.data, frameBytes: 1 },
        { name: "WAV mu-law (PCMU, PT 0)", file: ulaw.file, expected: ulaw.data, frameBytes: 1, pt: 0 },
        { name: "WAV A-law (PCMA, PT 8)", file: alaw.file, expected: alaw.data, frameBytes: 1, pt: 8 },
        { name: "AU 16-bit big-endian, no swap", file: au16.file, expected: au16.data, frameBytes: 4 },
        { name: "AU mu-law", file: auUlaw.file, expected: auUlaw.data, frameBytes: 1, pt: 0 },
    ];
}

eachLuaVersion("stream delivers byte-exact audio", version => {
    for (const c of cases()) {
        it(c.name, () => {
            const net = new SimNetwork();
            const board = testBoard(version, { files: new Map([["a.x", c.file]]), network: net });
            try {
                board.exec(`r = require("test.fixtures.streaming").rig({}) require("test.fixtures.streaming").openAndPlay(r, "a.x", 5004)`);
                board.world.runUntil(5e6);
                assert.equal(board.fault, undefined);
                const packets = rtpTo(net, 5004);
                assert.ok(packets.length > 10);
                assert.ok(concatPayloads(packets).equals(c.expected), "payloads reassemble to the source audio");
                if (c.pt !== undefined) assert.equal(packets[0].payloadType, c.pt);
                for (let i = 1; i < packets.length; i++) {
                    assert.equal(packets[i].sequenceNumber, (packets[i - 1].sequenceNumber + 1) % 65536);
                    const samples = packets[i - 1].payload.length / c.frameBytes;
                    assert.equal(packets[i].timestamp, (packets[i - 1].timestamp + samples) % 2 ** 32, "timestamp advances by the samples sent");
                }
                assert.equal(new Set(packets.map(p => p.ssrc)).size, 1);
                assert.equal(packets[0].marker, true);
                assert.deepEqual(board.evaluate(`r.ended`), ["a.x: end of file"]);
            } finally {
                board.close();
            }
        });
    }
});
