// Byte-exact delivery: each format's RTP payloads reassemble to the source audio in RFC byte order; timestamps count samples.
import { strict as assert } from "assert";
import { SimNetwork } from "../tools/harness/network";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { concatPayloads, rtpTo } from "./support/flows";
import * as path from "path";
import { makeAu, makeWav, toNetworkOrder } from "./support/media";
import { encode, ffmpegElementaryStream, tempDir } from "./protocol-media";

interface Case {
    name: string;
    /** RFC 2250: each payload starts with a 4-byte MPEG audio header that is not audio. */
    mpa?: boolean;
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
        ...mp3Cases(),
    ];
}

/** MP3s made by ffmpeg; what must arrive is ffmpeg's own elementary stream of the file (tags and Xing frame left out). */
function mp3Cases(): Case[] {
    const dir = tempDir();
    const make = (name: string, rate: number, channels: number, args: string[]): Case => {
        const file = encode(path.join(dir, name), 2.5, rate, channels, args);
        return { name: `MP3 ${name}`, file, expected: ffmpegElementaryStream(path.join(dir, name), path.join(dir, name + ".es")), frameBytes: 0, pt: 14, mpa: true };
    };
    return [
        make("mpeg1-44k-stereo-cbr.mp3", 44100, 2, ["-c:a", "libmp3lame", "-b:a", "128k"]),
        make("mpeg2-22k-mono-vbr.mp3", 22050, 1, ["-c:a", "libmp3lame", "-q:a", "4"]),
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
                assert.ok(packets.length > 3, `${packets.length} packets`);
                const got = concatPayloads(packets, c.mpa ? 4 : 0);
                assert.ok(got.equals(c.expected), `payloads reassemble to the source audio (${got.length} of ${c.expected.length} bytes)`);
                if (c.pt !== undefined) assert.equal(packets[0].payloadType, c.pt);
                if (c.mpa) {
                    assert.ok(packets.every(p => p.payload.readUInt32BE(0) === 0), "RFC 2250 header: MBZ and Frag_offset 0");
                    assert.ok(packets.every((p, i) => i === 0 || (p.timestamp - packets[i - 1].timestamp + 2 ** 32) % 2 ** 32 > 0));
                }
                for (let i = 1; i < packets.length && !c.mpa; i++) {
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
