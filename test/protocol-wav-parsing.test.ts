// WAV headers are recognised chunk by chunk, in any order, and mapped to the right RTP encoding and payload type.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { WaveFile } from "wavefile";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { chunk, describeOn, encode, fmtChunk, noise, riff, tempDir, wav } from "./protocol-media";

const PCM = 1;
const ALAW = 6;
const MULAW = 7;

interface Case {
    name: string;
    file: Buffer;
    expect: { encoding: string; payloadType: number; sampleRate: number; channels: number; frameBytes: number; swapWidth: number; dataOffset: number; dataLength: number };
}

/** Canonical layout: RIFF(12) + fmt chunk + data header (8). */
function canonical(name: string, fmt: { tag: number; channels: number; rate: number; bits: number; extensible?: number }, encoding: string, payloadType: number, swapWidth: number, frames: number): Case {
    const frameBytes = (fmt.channels * fmt.bits) / 8;
    const data = noise(frames * frameBytes, frames);
    const fmtBytes = fmt.extensible !== undefined ? 48 : 24;
    return {
        name,
        file: wav(fmt, data),
        expect: { encoding, payloadType, sampleRate: fmt.rate, channels: fmt.channels, frameBytes, swapWidth, dataOffset: 12 + fmtBytes + 8, dataLength: data.length },
    };
}

const cases: Case[] = [
    canonical("pcm8-mono-8k.wav", { tag: PCM, channels: 1, rate: 8000, bits: 8 }, "L8", 96, 0, 800),
    canonical("pcm16-stereo-44k.wav", { tag: PCM, channels: 2, rate: 44100, bits: 16 }, "L16", 10, 2, 4410),
    canonical("pcm16-mono-44k.wav", { tag: PCM, channels: 1, rate: 44100, bits: 16 }, "L16", 11, 2, 4410),
    canonical("pcm16-stereo-48k.wav", { tag: PCM, channels: 2, rate: 48000, bits: 16 }, "L16", 96, 2, 4800),
    canonical("pcm16-6ch-22k.wav", { tag: PCM, channels: 6, rate: 22050, bits: 16 }, "L16", 96, 2, 2205),
    canonical("pcm24-stereo-96k.wav", { tag: PCM, channels: 2, rate: 96000, bits: 24 }, "L24", 96, 3, 960),
    canonical("pcm24-mono-11k.wav", { tag: PCM, channels: 1, rate: 11025, bits: 24 }, "L24", 96, 3, 1103),
    canonical("mulaw-8k.wav", { tag: MULAW, channels: 1, rate: 8000, bits: 8 }, "PCMU", 0, 0, 1600),
    canonical("alaw-8k.wav", { tag: ALAW, channels: 1, rate: 8000, bits: 8 }, "PCMA", 8, 0, 1600),
    canonical("mulaw-16k.wav", { tag: MULAW, channels: 1, rate: 16000, bits: 8 }, "PCMU", 96, 0, 1600),
    canonical("alaw-stereo-8k.wav", { tag: ALAW, channels: 2, rate: 8000, bits: 8 }, "PCMA", 96, 0, 1600),
    canonical("ext-pcm16.wav", { tag: PCM, channels: 2, rate: 44100, bits: 16, extensible: PCM }, "L16", 10, 2, 441),
    canonical("ext-pcm24.wav", { tag: PCM, channels: 2, rate: 48000, bits: 24, extensible: PCM }, "L24", 96, 3, 480),
    canonical("ext-mulaw.wav", { tag: PCM, channels: 1, rate: 8000, bits: 8, extensible: MULAW }, "PCMU", 0, 0, 800),
    canonical("ext-alaw.wav", { tag: PCM, channels: 1, rate: 8000, bits: 8, extensible: ALAW }, "PCMA", 8, 0, 800),
];

// Chunk order and padding: LIST and an odd-sized chunk (padded) before fmt, fact between, data before fmt.
const data16 = noise(4000, 7);
const list = chunk("LIST", Buffer.concat([Buffer.from("INFOINAM", "latin1"), Buffer.from([5, 0, 0, 0]), Buffer.from("tone\0\0", "latin1")]));
const odd = chunk("junk", noise(5, 3)); // 8 + 5 + 1 pad byte
const fmt16 = fmtChunk({ tag: PCM, channels: 2, rate: 32000, bits: 16 });
const fact = chunk("fact", Buffer.from([0xe8, 3, 0, 0]));
const expect16 = { encoding: "L16", payloadType: 96, sampleRate: 32000, channels: 2, frameBytes: 4, swapWidth: 2 };
cases.push({
    name: "list-odd-fmt-fact-data.wav",
    file: riff([list, odd, fmt16, fact, chunk("data", data16)]),
    expect: { ...expect16, dataOffset: 12 + list.length + odd.length + fmt16.length + fact.length + 8, dataLength: 4000 },
});
cases.push({
    name: "data-before-fmt.wav",
    file: riff([odd, chunk("data", data16), list, fmt16]),
    expect: { ...expect16, dataOffset: 12 + odd.length + 8, dataLength: 4000 },
});
// A 10 KiB LIST chunk (cover art, say) before fmt: the header walk needs reads beyond the first 4 KiB.
const bigList = chunk("LIST", noise(10_001, 9));
cases.push({
    name: "big-list-first.wav",
    file: riff([bigList, fmt16, chunk("data", data16)]),
    expect: { ...expect16, dataOffset: 12 + bigList.length + fmt16.length + 8, dataLength: 4000 },
});
// A data chunk with an odd length is padded, and a chunk after it still parses; the odd byte is not a whole frame.
const oddData = noise(4003, 11);
cases.push({
    name: "odd-data-then-list.wav",
    file: riff([fmt16, chunk("data", oddData), list]),
    expect: { ...expect16, dataOffset: 12 + fmt16.length + 8, dataLength: 4000 },
});
// Truncated: the data chunk claims more than the file holds -> clamped to the file (whole frames).
const truncated = wav({ tag: PCM, channels: 2, rate: 32000, bits: 16 }, noise(8000, 5)).subarray(0, 44 + 3001);
cases.push({ name: "truncated.wav", file: truncated, expect: { ...expect16, dataOffset: 44, dataLength: 3000 } });
// Streaming writers put 0xffffffff in the data size when they do not know it.
const unknownSize = wav({ tag: PCM, channels: 2, rate: 32000, bits: 16 }, noise(4000, 5));
unknownSize.writeUInt32LE(0xffffffff, 40);
cases.push({ name: "unknown-size.wav", file: unknownSize, expect: { ...expect16, dataOffset: 44, dataLength: 4000 } });

eachLuaVersion("protocol: WAV parsing", version => {
    const files = new Map(cases.map(c => [c.name, c.file]));
    let dir = "";

    before(function () {
        this.timeout(60_000);
        dir = tempDir();
        // Files written by independent writers: ffmpeg and the wavefile library.
        files.set("ffmpeg-s16.wav", encode(path.join(dir, "a.wav"), 0.5, 44100, 2, ["-c:a", "pcm_s16le"]));
        files.set("ffmpeg-s24.wav", encode(path.join(dir, "b.wav"), 0.5, 48000, 1, ["-c:a", "pcm_s24le"]));
        files.set("ffmpeg-u8.wav", encode(path.join(dir, "c.wav"), 0.5, 22050, 1, ["-c:a", "pcm_u8"]));
        files.set("ffmpeg-mulaw.wav", encode(path.join(dir, "d.wav"), 0.5, 8000, 1, ["-c:a", "pcm_mulaw"]));
        const wf = new WaveFile();
        wf.fromScratch(2, 16000, "24", [Array.from({ length: 1600 }, (_, i) => (i * 997) % 8000000), Array.from({ length: 1600 }, (_, i) => -i * 13)]);
        files.set("wavefile-24.wav", Buffer.from(wf.toBuffer()));
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
                assert.equal(m.container, "wav");
                const e = c.expect;
                assert.deepEqual(
                    { encoding: m.encoding, payloadType: m.payloadType, sampleRate: m.sampleRate, channels: m.channels, frameBytes: m.frameBytes, swapWidth: m.swapWidth, dataOffset: m.dataOffset, dataLength: m.dataLength },
                    e,
                );
                assert.equal(m.clockRate, e.sampleRate);
                assert.equal(m.bitsPerSecond, e.sampleRate * e.frameBytes * 8);
                assert.equal(m.durationUs, Math.floor(((e.dataLength / e.frameBytes) * 1e6) / e.sampleRate));
            } finally {
                board.close();
            }
        });
    }

    it("agrees with ffmpeg and wavefile files on where the samples are", () => {
        const board = testBoard(version, { files });
        try {
            for (const [name, encoding, rate, channels, width] of [
                ["ffmpeg-s16.wav", "L16", 44100, 2, 2],
                ["ffmpeg-s24.wav", "L24", 48000, 1, 3],
                ["ffmpeg-u8.wav", "L8", 22050, 1, 1],
                ["ffmpeg-mulaw.wav", "PCMU", 8000, 1, 1],
                ["wavefile-24.wav", "L24", 16000, 2, 3],
            ] as const) {
                const m = describeOn(board, name).media!;
                assert.ok(m, name);
                assert.equal(m.encoding, encoding, name);
                assert.equal(m.sampleRate, rate, name);
                assert.equal(m.channels, channels, name);
                // Independent reading of the same file: the wavefile library's idea of the data chunk.
                const wf = new WaveFile(files.get(name)!);
                const { samples, chunkSize } = wf.data as { samples: Uint8Array; chunkSize: number };
                assert.equal(m.dataLength, chunkSize - (chunkSize % m.frameBytes), name);
                assert.ok(files.get(name)!.subarray(m.dataOffset, m.dataOffset + m.dataLength).equals(Buffer.from(samples).subarray(0, m.dataLength)), `${name}: data bytes`);
                assert.equal(m.swapWidth, width === 1 ? 0 : width, name);
            }
        } finally {
            board.close();
        }
    });
});
