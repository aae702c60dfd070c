// MPEG audio files are recognised as ffmpeg sees them: same frames, lengths, start of audio, duration and tags skipped.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { describeOn, encode, ffmpegElementaryStream, ffmpegPackets, FfmpegPackets, noise, tempDir } from "./protocol-media";
import { HostBoard } from "../tools/harness/host-board";

interface Made {
    name: string;
    version: number;
    layer: number;
    sampleRate: number;
    channels: number;
    /** Nominal bit rate for CBR files, undefined for VBR. */
    bitrate?: number;
    /** A Xing/Info header gives the frame count. */
    counted: boolean;
    vbr: boolean;
}

const made: Made[] = [];
const files = new Map<string, Buffer>();
const packets = new Map<string, FfmpegPackets>();
const streams = new Map<string, Buffer>();

function syncsafe(n: number): Buffer {
    return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
}

/** An ID3v2 tag: one TIT2 frame and `padding` zero bytes; v2.4 with `footer` appends the 10-byte footer. */
function id3v2(padding: number, footer: boolean): Buffer {
    const text = Buffer.from("\x03ringcast test tone", "latin1");
    const frame = Buffer.concat([Buffer.from("TIT2", "latin1"), syncsafe(text.length), Buffer.from([0, 0]), text]);
    const body = Buffer.concat([frame, Buffer.alloc(padding)]);
    const flags = footer ? 0x10 : 0;
    const head = Buffer.concat([Buffer.from("ID3", "latin1"), Buffer.from([4, 0, flags]), syncsafe(body.length)]);
    const foot = footer ? Buffer.concat([Buffer.from("3DI", "latin1"), Buffer.from([4, 0, flags]), syncsafe(body.length)]) : Buffer.alloc(0);
    return Buffer.concat([head, body, foot]);
}

function id3v1(): Buffer {
    const t = Buffer.alloc(128);
    t.write("TAGringcast", 0, "latin1");
    return t;
}

function apev2(): Buffer {
    const item = Buffer.concat([Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]), Buffer.from("Title\0tone", "latin1")]);
    const footer = Buffer.alloc(32);
    footer.write("APETAGEX", 0, "latin1");
    footer.writeUInt32LE(2000, 8);
    footer.writeUInt32LE(item.length + 32, 12);
    footer.writeUInt32LE(1, 16);
    footer.writeUInt32LE(0, 20);
    return Buffer.concat([item, footer]);
}

/** Hand-made layer I frames (ffmpeg has no layer I encoder): header then zeros, padding on every third frame. */
function layer1(version: 1 | 2, bitrateIndex: number, bitrate: number, sampleRate: number, count: number): Buffer {
    const frames: Buffer[] = [];
    for (let i = 0; i < count; i++) {
        const pad = i % 3 === 1 ? 1 : 0;
        const f = Buffer.alloc((Math.floor((12 * bitrate) / sampleRate) + pad) * 4);
        f[0] = 0xff;
        f[1] = version === 1 ? 0xff : 0xf7; // sync, version, layer I, no CRC
        f[2] = (bitrateIndex << 4) | (0 << 2) | (pad << 1);
        f[3] = 0xc0; // mono
        frames.push(f);
    }
    return Buffer.concat(frames);
}

function add(m: Made, data: Buffer): void {
    made.push(m);
    files.set(m.name, data);
}

eachLuaVersion("protocol: MP3 parsing", version => {
    let dir = "";

    before(function () {
        this.timeout(120_000);
        if (made.length > 0) return;
        dir = tempDir();
        const mp3 = (name: string, rate: number, ch: number, args: string[], m: Omit<Made, "name" | "sampleRate" | "channels">): void =>
            add({ name, sampleRate: rate, channels: ch, ...m }, encode(path.join(dir, name), 1.3, rate, ch, args));
        const lame = (br: number) => ["-c:a", "libmp3lame", "-b:a", `${br}k`];
        mp3("m1-44k-128-stereo.mp3", 44100, 2, lame(128), { version: 1, layer: 3, bitrate: 128000, counted: true, vbr: false });
        mp3("m1-48k-320-stereo.mp3", 48000, 2, lame(320), { version: 1, layer: 3, bitrate: 320000, counted: true, vbr: false });
        mp3("m1-32k-64-mono.mp3", 32000, 1, lame(64), { version: 1, layer: 3, bitrate: 64000, counted: true, vbr: false });
        mp3("m2-22k-64-mono.mp3", 22050, 1, lame(64), { version: 2, layer: 3, bitrate: 64000, counted: true, vbr: false });
        mp3("m2-24k-48-stereo.mp3", 24000, 2, lame(48), { version: 2, layer: 3, bitrate: 48000, counted: true, vbr: false });
        mp3("m2-16k-32-mono.mp3", 16000, 1, lame(32), { version: 2, layer: 3, bitrate: 32000, counted: true, vbr: false });
        mp3("m25-8k-16-mono.mp3", 8000, 1, lame(16), { version: 2.5, layer: 3, bitrate: 16000, counted: true, vbr: false });
        mp3("m25-11k-32-stereo.mp3", 11025, 2, lame(32), { version: 2.5, layer: 3, bitrate: 32000, counted: true, vbr: false });
        mp3("m25-12k-24-mono.mp3", 12000, 1, lame(24), { version: 2.5, layer: 3, bitrate: 24000, counted: true, vbr: false });
        mp3("vbr-44k-stereo.mp3", 44100, 2, ["-c:a", "libmp3lame", "-q:a", "2"], { version: 1, layer: 3, counted: true, vbr: true });
        mp3("vbr-22k-mono.mp3", 22050, 1, ["-c:a", "libmp3lame", "-q:a", "6"], { version: 2, layer: 3, counted: true, vbr: true });
        mp3("bare-44k-96.mp3", 44100, 2, [...lame(96), "-write_xing", "0", "-id3v2_version", "0"], { version: 1, layer: 3, bitrate: 96000, counted: false, vbr: false });
        mp3("l2-48k-192.mp2", 48000, 2, ["-c:a", "mp2", "-b:a", "192k"], { version: 1, layer: 2, bitrate: 192000, counted: false, vbr: false });
        mp3("l2-44k-128-mono.mp2", 44100, 1, ["-c:a", "mp2", "-b:a", "128k"], { version: 1, layer: 2, bitrate: 128000, counted: false, vbr: false });
        mp3("l2-24k-64.mp2", 24000, 2, ["-c:a", "mp2", "-b:a", "64k"], { version: 2, layer: 2, bitrate: 64000, counted: false, vbr: false });
        mp3("l2-32k-384.mp2", 32000, 2, ["-c:a", "mp2", "-b:a", "384k"], { version: 1, layer: 2, bitrate: 384000, counted: false, vbr: false });
        add({ name: "l1-44k-192.mp1", version: 1, layer: 1, sampleRate: 44100, channels: 1, bitrate: 192000, counted: false, vbr: false }, layer1(1, 6, 192000, 44100, 60));
        add({ name: "l1-22k-96.mp1", version: 2, layer: 1, sampleRate: 22050, channels: 1, bitrate: 96000, counted: false, vbr: false }, layer1(2, 6, 96000, 22050, 60));
        // Tags around a bare stream: ID3v2.4 with a footer; a 20 KiB ID3v2 tag (beyond the first read); ID3v1 and APEv2 at the end.
        const bare = files.get("bare-44k-96.mp3")!;
        const bareMade = made.find(m => m.name === "bare-44k-96.mp3")!;
        add({ ...bareMade, name: "id3-footer.mp3" }, Buffer.concat([id3v2(100, true), bare]));
        add({ ...bareMade, name: "id3-large.mp3" }, Buffer.concat([id3v2(20_000, false), bare]));
        add({ ...bareMade, name: "trailing-tags.mp3" }, Buffer.concat([id3v2(0, false), bare, apev2(), id3v1()]));
        // Junk before the first frame of a file named .mp3 is skipped, as ffmpeg does.
        add({ ...bareMade, name: "junk-first.mp3" }, Buffer.concat([Buffer.from("not a frame: "), noise(300, 4).map(b => (b === 0xff ? 0 : b)), bare]));
        for (const m of made) {
            // ffmpeg hands trailing ID3v1/APEv2 bytes on as one more packet; the audio there is that of the bare file.
            const source = m.name === "trailing-tags.mp3" ? "bare-44k-96.mp3" : m.name;
            const file = path.join(dir, `probe-${source}`);
            fs.writeFileSync(file, files.get(source)!);
            packets.set(m.name, ffmpegPackets(file));
            streams.set(m.name, ffmpegElementaryStream(file, `${file}.es`));
        }
    });
    after(() => {
        if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
    });

    let board: HostBoard;
    beforeEach(() => {
        board = testBoard(version, { files });
    });
    afterEach(() => board.close());

    it("finds the frames ffmpeg finds, with the same lengths, for MPEG-1/2/2.5 layers I-III", () => {
        assert.ok(made.length >= 20);
        for (const m of made) {
            const d = describeOn(board, m.name);
            assert.equal(d.reason, undefined, m.name);
            const media = d.media!;
            assert.deepEqual(
                [media.container, media.encoding, media.payloadType, media.clockRate, media.sampleRate, media.channels, media.mpeg!.version, media.mpeg!.layer],
                ["mp3", "MPA", 14, 90000, m.sampleRate, m.channels, m.version, m.layer],
                m.name,
            );
            const lengths = board.evaluate<number[]>(`require("test.fixtures.protocol-files").frameLengths(${JSON.stringify(m.name)})`);
            assert.deepEqual(lengths, packets.get(m.name)!.sizes, `${m.name}: frame lengths`);
        }
    });

    it("starts the audio where ffmpeg's demuxer does: after ID3v2 tags and the Xing/Info frame, before trailing tags", () => {
        for (const m of made) {
            const media = describeOn(board, m.name).media!;
            const es = streams.get(m.name)!;
            const file = files.get(m.name)!;
            assert.equal(media.dataLength, es.length, `${m.name}: audio length`);
            assert.ok(file.subarray(media.dataOffset, media.dataOffset + media.dataLength).equals(es), `${m.name}: audio bytes`);
        }
    });

    it("takes duration and frame count from the Xing/Info header, else from the bit rate", () => {
        for (const m of made) {
            const media = describeOn(board, m.name).media!;
            const p = packets.get(m.name)!;
            const spf = m.layer === 1 ? 384 : m.layer === 3 && m.version !== 1 ? 576 : 1152;
            assert.equal(media.mpeg!.samplesPerFrame, spf, m.name);
            assert.equal(media.mpeg!.vbr, m.vbr, m.name);
            if (m.counted) {
                assert.equal(media.mpeg!.frames, p.sizes.length, `${m.name}: Xing frame count`);
                assert.ok(Math.abs(media.durationUs - p.seconds * 1e6) <= 1, `${m.name}: ${media.durationUs} vs ${p.seconds * 1e6}`);
            } else {
                assert.equal(media.mpeg!.frames, 0, m.name);
                // Estimated from the bit rate: within one frame of the real duration.
                const frameUs = (spf / m.sampleRate) * 1e6;
                assert.ok(Math.abs(media.durationUs - p.seconds * 1e6) <= frameUs, `${m.name}: ${media.durationUs} vs ${p.seconds * 1e6}`);
            }
            if (m.bitrate !== undefined) assert.equal(media.bitsPerSecond, m.bitrate, m.name);
            else {
                const actual = (streams.get(m.name)!.length * 8) / p.seconds;
                assert.ok(Math.abs(media.bitsPerSecond - actual) / actual < 0.01, `${m.name}: ${media.bitsPerSecond} vs ${actual}`);
            }
        }
    });

    it("reads the Xing table of contents of VBR files", () => {
        for (const m of made.filter(x => x.vbr)) {
            const toc = describeOn(board, m.name).media!.mpeg!.toc!;
            assert.equal(toc.length, 100, m.name);
            assert.equal(toc[0], 0, m.name);
            for (let i = 1; i < 100; i++) assert.ok(toc[i] >= toc[i - 1] && toc[i] <= 255, `${m.name}: toc[${i}]`);
        }
    });

    it("computes layer I/II/III frame lengths from the header fields per ISO 11172-3 / 13818-3", () => {
        // Header bytes and the lengths the standard's formulas give: L1 (12*br/sr + pad)*4, L2/L3 144*br/sr + pad (72 for MPEG-2/2.5 L3).
        const cases: Array<[number[], number]> = [
            [[0xff, 0xfb, 0x90, 0x64], 417], // MPEG-1 L3 128k 44.1k
            [[0xff, 0xfb, 0x92, 0x64], 418], // padded
            [[0xff, 0xfb, 0xe4, 0x44], 960], // MPEG-1 L3 320k 48k
            [[0xff, 0xf3, 0x84, 0xc4], 192], // MPEG-2 L3 64k 24k: 72*64000/24000
            [[0xff, 0xe3, 0x28, 0xc4], 144], // MPEG-2.5 L3 16k 8k: 72*16000/8000
            [[0xff, 0xfd, 0xe8, 0x04], 1728], // MPEG-1 L2 384k 32k
            [[0xff, 0xff, 0x60, 0xc0], 208], // MPEG-1 L1 192k 44.1k: 52*4
            [[0xff, 0xff, 0x62, 0xc0], 212], // padded: 53*4
        ];
        for (const [bytes, length] of cases) {
            const h = board.evaluate<{ length: number } | null>(
                `require("firmware.protocol.mp3").parseMpegHeader(require("test.fixtures.protocol-files").fromHex("${Buffer.from(bytes).toString("hex")}"), 1)`,
            );
            assert.equal(h?.length, length, Buffer.from(bytes).toString("hex"));
        }
        // Reserved version, reserved layer, free-format and bad bit rates, reserved sample rate: no header.
        for (const bytes of [[0xff, 0xeb, 0x90, 0x64], [0xff, 0xf9, 0x90, 0x64], [0xff, 0xfb, 0x00, 0x64], [0xff, 0xfb, 0xf0, 0x64], [0xff, 0xfb, 0x9c, 0x64], [0xfe, 0xfb, 0x90, 0x64]]) {
            const h = board.evaluate<unknown>(`require("firmware.protocol.mp3").parseMpegHeader(require("test.fixtures.protocol-files").fromHex("${Buffer.from(bytes).toString("hex")}"), 1)`);
            assert.equal(h ?? null, null, Buffer.from(bytes).toString("hex"));
        }
    });
});
