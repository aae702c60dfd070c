// Sun .au headers map to RTP encodings with the samples left in network order; unknown and oversized sizes run to the end.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { au, describeOn, encode, noise, tempDir } from "./protocol-media";

interface Case {
    name: string;
    file: Buffer;
    expect: { encoding: string; payloadType: number; sampleRate: number; channels: number; frameBytes: number; dataOffset: number; dataLength: number; signed8?: boolean };
}

const cases: Case[] = [
    { name: "mulaw.au", file: au(1, 8000, 1, noise(1600, 1)), expect: { encoding: "PCMU", payloadType: 0, sampleRate: 8000, channels: 1, frameBytes: 1, dataOffset: 28, dataLength: 1600 } },
    { name: "alaw.au", file: au(27, 8000, 1, noise(1600, 2)), expect: { encoding: "PCMA", payloadType: 8, sampleRate: 8000, channels: 1, frameBytes: 1, dataOffset: 28, dataLength: 1600 } },
    { name: "mulaw-stereo.au", file: au(1, 8000, 2, noise(1600, 2)), expect: { encoding: "PCMU", payloadType: 96, sampleRate: 8000, channels: 2, frameBytes: 2, dataOffset: 28, dataLength: 1600 } },
    { name: "linear8.au", file: au(2, 11025, 1, noise(1103, 3)), expect: { encoding: "L8", payloadType: 96, sampleRate: 11025, channels: 1, frameBytes: 1, dataOffset: 28, dataLength: 1103, signed8: true } },
    { name: "linear16-stereo-44k.au", file: au(3, 44100, 2, noise(4412, 4)), expect: { encoding: "L16", payloadType: 10, sampleRate: 44100, channels: 2, frameBytes: 4, dataOffset: 28, dataLength: 4412 } },
    { name: "linear16-mono-44k.au", file: au(3, 44100, 1, noise(4410, 4)), expect: { encoding: "L16", payloadType: 11, sampleRate: 44100, channels: 1, frameBytes: 2, dataOffset: 28, dataLength: 4410 } },
    { name: "linear24.au", file: au(4, 48000, 2, noise(6000, 5)), expect: { encoding: "L24", payloadType: 96, sampleRate: 48000, channels: 2, frameBytes: 6, dataOffset: 28, dataLength: 6000 } },
    // A longer annotation moves the data offset.
    {
        name: "annotated.au",
        file: au(3, 16000, 1, noise(3200, 6), { annotation: "a tone for the tests\0\0\0\0" }),
        expect: { encoding: "L16", payloadType: 96, sampleRate: 16000, channels: 1, frameBytes: 2, dataOffset: 48, dataLength: 3200 },
    },
    // Size 0xffffffff: unknown, to the end of the file (whole frames).
    {
        name: "unknown-size.au",
        file: au(3, 16000, 2, noise(3202, 7), { size: 0xffffffff }),
        expect: { encoding: "L16", payloadType: 96, sampleRate: 16000, channels: 2, frameBytes: 4, dataOffset: 28, dataLength: 3200 },
    },
    // A size beyond the file: clamped to it.
    {
        name: "truncated.au",
        file: au(1, 8000, 1, noise(500, 8), { size: 80000 }),
        expect: { encoding: "PCMU", payloadType: 0, sampleRate: 8000, channels: 1, frameBytes: 1, dataOffset: 28, dataLength: 500 },
    },
    // A size shorter than the file (trailing bytes are not audio).
    {
        name: "short-size.au",
        file: Buffer.concat([au(1, 8000, 1, noise(500, 8), { size: 300 })]),
        expect: { encoding: "PCMU", payloadType: 0, sampleRate: 8000, channels: 1, frameBytes: 1, dataOffset: 28, dataLength: 300 },
    },
];

eachLuaVersion("protocol: AU parsing", version => {
    const files = new Map(cases.map(c => [c.name, c.file]));
    let dir = "";

    before(function () {
        this.timeout(60_000);
        dir = tempDir();
        files.set("ffmpeg-s16be.au", encode(path.join(dir, "a.au"), 0.5, 22050, 2, ["-c:a", "pcm_s16be"]));
        files.set("ffmpeg-alaw.au", encode(path.join(dir, "b.au"), 0.5, 8000, 1, ["-c:a", "pcm_alaw"]));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    for (const c of cases) {
        it(`recognises ${c.name}`, () => {
            const board = testBoard(version, { files });
            try {
                const d = describeOn(board, c.name);
                assert.equal(d.calls, 1);
                assert.equal(d.reason, undefined);
                const m = d.media!;
                assert.equal(m.container, "au");
                const e = c.expect;
                assert.deepEqual(
                    { encoding: m.encoding, payloadType: m.payloadType, sampleRate: m.sampleRate, channels: m.channels, frameBytes: m.frameBytes, dataOffset: m.dataOffset, dataLength: m.dataLength, signed8: m.signed8 },
                    { signed8: undefined, ...e },
                );
                assert.equal(m.swapWidth, 0, "big-endian samples are already in network order");
                assert.equal(m.clockRate, e.sampleRate);
                assert.equal(m.durationUs, Math.floor(((e.dataLength / e.frameBytes) * 1e6) / e.sampleRate));
            } finally {
                board.close();
            }
        });
    }

    it("reads ffmpeg's .au files: header size and data from its own fields", () => {
        const board = testBoard(version, { files });
        try {
            for (const [name, encoding, rate, channels] of [
                ["ffmpeg-s16be.au", "L16", 22050, 2],
                ["ffmpeg-alaw.au", "PCMA", 8000, 1],
            ] as const) {
                const f = files.get(name)!;
                const m = describeOn(board, name).media!;
                assert.ok(m, name);
                assert.deepEqual([m.encoding, m.sampleRate, m.channels], [encoding, rate, channels], name);
                assert.equal(m.dataOffset, f.readUInt32BE(4), name);
                const declared = f.readUInt32BE(8);
                const expected = declared === 0xffffffff ? f.length - m.dataOffset : declared;
                assert.equal(m.dataLength, expected - (expected % m.frameBytes), name);
                // 0.5 s of audio, whatever the header says.
                assert.equal(m.durationUs, 500_000, name);
            }
        } finally {
            board.close();
        }
    });
});
