// Packet payloads put back together give the source audio in RFC byte order: PCM/G.711 samples, MPEG frames (RFC 2250).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { au, chunk, encode, ffmpegElementaryStream, ffmpegPackets, fmtChunk, noise, packetizeOn, PacketRun, riff, swapEach, tempDir, wav } from "./protocol-media";
import { HostBoard } from "../tools/harness/host-board";

interface PcmCase {
    name: string;
    file: Buffer;
    /** The bytes the payloads must add up to, computed here from the source samples. */
    expected: Buffer;
    frameBytes: number;
    rate: number;
}

function pcmCases(): PcmCase[] {
    const out: PcmCase[] = [];
    const w = (name: string, tag: number, bits: number, channels: number, rate: number, frames: number, toNetwork: (d: Buffer) => Buffer): void => {
        const data = noise(frames * channels * (bits / 8), frames + bits);
        out.push({ name, file: wav({ tag, channels, rate, bits }, data), expected: toNetwork(data), frameBytes: channels * (bits / 8), rate });
    };
    w("u8-mono-22k.wav", 1, 8, 1, 22050, 22050, d => d); // WAV 8-bit is offset-128 already: RFC 3551 L8
    w("s16-stereo-44k.wav", 1, 16, 2, 44100, 44100, d => swapEach(d, 2));
    w("s16-mono-8k.wav", 1, 16, 1, 8000, 8000, d => swapEach(d, 2));
    w("s24-stereo-48k.wav", 1, 24, 2, 48000, 24000, d => swapEach(d, 3));
    w("s24-5ch-32k.wav", 1, 24, 5, 32000, 8000, d => swapEach(d, 3));
    w("mulaw-8k.wav", 7, 8, 1, 8000, 16000, d => d);
    w("alaw-8k.wav", 6, 8, 1, 8000, 16000, d => d);
    const a = (name: string, encoding: number, width: number, channels: number, rate: number, frames: number, toNetwork: (d: Buffer) => Buffer): void => {
        const data = noise(frames * channels * width, frames + encoding);
        out.push({ name, file: au(encoding, rate, channels, data), expected: toNetwork(data), frameBytes: channels * width, rate });
    };
    a("s8-mono-11k.au", 2, 1, 1, 11025, 11025, d => Buffer.from(d.map(b => (b + 128) & 0xff))); // signed 8-bit -> L8
    a("s16-stereo-44k.au", 3, 2, 2, 44100, 22050, d => d); // big-endian already
    a("s24-mono-96k.au", 4, 3, 1, 96000, 48000, d => d);
    a("mulaw-8k.au", 1, 1, 1, 8000, 8000, d => d);
    // Odd-length data chunk followed by another chunk: the half sample frame and the LIST chunk are never sent.
    const odd = noise(40_003, 5);
    const list = chunk("LIST", Buffer.from("INFOISFT\x05\0\0\0test\0\0", "latin1"));
    out.push({
        name: "odd-data-then-list.wav",
        file: riff([fmtChunk({ tag: 1, channels: 2, rate: 32000, bits: 16 }), chunk("data", odd), list]),
        expected: swapEach(odd.subarray(0, 40_000), 2),
        frameBytes: 4,
        rate: 32000,
    });
    return out;
}

function checkPcm(c: PcmCase, r: PacketRun, bufferBytes: number): void {
    assert.equal(r.reason, undefined, c.name);
    assert.ok(Buffer.concat(r.payloads).equals(c.expected), `${c.name} @${bufferBytes}: payloads reassemble the source`);
    // About 20 ms (RFC 3551 default) or 1400 bytes, whichever is smaller; whole sample frames.
    const nominal = Math.max(1, Math.min(Math.floor(c.rate / 50), Math.floor(1400 / c.frameBytes)));
    assert.equal(r.packetTicks, nominal, c.name);
    assert.equal(r.packetBytes, nominal * c.frameBytes, c.name);
    assert.equal(r.pieceLength, r.packetBytes, c.name);
    assert.equal(r.piecesPerRead, Math.max(1, Math.floor(bufferBytes / r.packetBytes)), c.name);
    r.payloads.forEach((p, i) => {
        assert.ok(p.length <= 1400 && p.length % c.frameBytes === 0, `${c.name}: payload ${i} is ${p.length} bytes`);
        assert.equal(r.ticks[i], p.length / c.frameBytes, `${c.name}: ticks of payload ${i}`);
        if (i < r.payloads.length - 1) assert.equal(p.length, r.packetBytes, `${c.name}: payload ${i} is full`);
    });
    assert.ok(r.maxPerRead <= r.maxPacketsPerRead, c.name);
}

interface MpaCase {
    name: string;
    file: Buffer;
    /** ffmpeg's frames (its demuxer's packets) the payloads must carry, in order. */
    frames: Buffer[];
    samplesPerFrame: number;
    rate: number;
}

/** Checks RFC 2250 payloads: 4-byte header (MBZ, Frag_offset), whole frames or fragments, ticks exact over time. */
function checkMpa(c: MpaCase, r: PacketRun, bufferBytes: number): void {
    const label = `${c.name} @${bufferBytes}`;
    assert.equal(r.reason, undefined, label);
    assert.equal(r.piecesPerRead, 1, label);
    assert.equal(r.pieceLength, bufferBytes, label);
    const data: Buffer[] = [];
    /** Frame start offsets in the stream -> frame length. */
    const starts = new Map<number, number>();
    const boundaries = new Set<number>();
    let at = 0;
    for (const f of c.frames) {
        boundaries.add(at);
        starts.set(at, f.length);
        at += f.length;
    }
    boundaries.add(at);
    let pos = 0;
    let framesDone = 0;
    let ticksSoFar = 0;
    r.payloads.forEach((p, i) => {
        assert.ok(p.length <= 1400, `${label}: payload ${i} is ${p.length} bytes`);
        assert.equal(p.readUInt16BE(0), 0, `${label}: MBZ of payload ${i}`);
        const frag = p.readUInt16BE(2);
        const body = p.subarray(4);
        if (frag === 0) assert.ok(boundaries.has(pos), `${label}: payload ${i} starts on a frame`);
        else assert.equal(frag, pos - [...boundaries].filter(b => b <= pos).pop()!, `${label}: Frag_offset of payload ${i}`);
        const fragment = frag !== 0 || (starts.get(pos) ?? 0) > 1396;
        data.push(body);
        pos += body.length;
        // Ticks: whole frames done so far, converted at 90 kHz without drift.
        let done = 0;
        let acc = 0;
        for (const f of c.frames) {
            if (acc + f.length > pos) break;
            acc += f.length;
            done++;
        }
        const expectedTicks = Math.floor((done * c.samplesPerFrame * 90000) / c.rate) - Math.floor((framesDone * c.samplesPerFrame * 90000) / c.rate);
        assert.equal(r.ticks[i], expectedTicks, `${label}: ticks of payload ${i}`);
        if (!fragment) assert.ok(boundaries.has(pos), `${label}: payload ${i} ends on a frame`);
        ticksSoFar += r.ticks[i];
        framesDone = done;
    });
    assert.ok(Buffer.concat(data).equals(Buffer.concat(c.frames)), `${label}: payloads reassemble the frames`);
    assert.equal(ticksSoFar, Math.floor((c.frames.length * c.samplesPerFrame * 90000) / c.rate), label);
    // As many frames as fit: packing greedily gives at most one extra packet per read (a read ends a packet).
    let greedy = 0;
    let fill = -1;
    for (const f of c.frames) {
        if (f.length > 1396) {
            greedy += Math.ceil(f.length / 1396);
            fill = -1;
        } else if (fill < 0 || fill + f.length > 1396) {
            greedy++;
            fill = f.length;
        } else fill += f.length;
    }
    assert.ok(r.payloads.length <= greedy + r.reads, `${label}: ${r.payloads.length} packets, greedy ${greedy}, ${r.reads} reads`);
    assert.ok(r.maxPerRead <= r.maxPacketsPerRead, label);
}

function split(es: Buffer, sizes: number[]): Buffer[] {
    const out: Buffer[] = [];
    let at = 0;
    for (const s of sizes) {
        out.push(es.subarray(at, at + s));
        at += s;
    }
    assert.equal(at, es.length);
    return out;
}

eachLuaVersion("protocol: payloads reassemble the source", version => {
    const pcm = pcmCases();
    const mpa: MpaCase[] = [];
    const files = new Map<string, Buffer>(pcm.map(c => [c.name, c.file]));
    let dir = "";

    before(function () {
        this.timeout(120_000);
        dir = tempDir();
        const make = (name: string, rate: number, ch: number, spf: number, args: string[]): MpaCase => {
            const file = encode(path.join(dir, name), 2, rate, ch, args);
            const p = ffmpegPackets(path.join(dir, name));
            const es = ffmpegElementaryStream(path.join(dir, name), path.join(dir, `${name}.es`));
            const c = { name, file, frames: split(es, p.sizes), samplesPerFrame: spf, rate };
            mpa.push(c);
            files.set(name, file);
            return c;
        };
        make("cbr-44k-128.mp3", 44100, 2, 1152, ["-c:a", "libmp3lame", "-b:a", "128k"]);
        make("vbr-48k.mp3", 48000, 2, 1152, ["-c:a", "libmp3lame", "-q:a", "0"]);
        make("m2-22k-32.mp3", 22050, 1, 576, ["-c:a", "libmp3lame", "-b:a", "32k"]);
        const m25 = make("m25-11k-8.mp3", 11025, 1, 576, ["-c:a", "libmp3lame", "-b:a", "8k", "-write_xing", "0", "-id3v2_version", "0"]);
        make("l2-48k-256.mp2", 48000, 2, 1152, ["-c:a", "mp2", "-b:a", "256k"]);
        // 384 kbit/s at 32 kHz: 1728-byte frames, more than one packet holds: sent as RFC 2250 fragments.
        make("l2-32k-384.mp2", 32000, 2, 1152, ["-c:a", "mp2", "-b:a", "384k"]);
        // Junk between frames is skipped; the frames around it are all sent.
        const cut = m25.frames.slice(0, 20).reduce((a, f) => a + f.length, 0);
        const junk = noise(37, 3).map(b => (b === 0xff ? 0x7f : b));
        const spliced = Buffer.concat([m25.file.subarray(0, cut), junk, m25.file.subarray(cut)]);
        mpa.push({ ...m25, name: "junk-inside.mp3", file: spliced });
        files.set("junk-inside.mp3", spliced);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    let board: HostBoard;
    beforeEach(() => {
        board = testBoard(version, { files });
    });
    afterEach(() => board.close());

    for (const bufferBytes of [500, 4096, 16384]) {
        it(`PCM and G.711: whole sample frames in network byte order, ~20 ms or 1400 bytes (reads of ${bufferBytes} bytes)`, () => {
            for (const c of pcm) checkPcm(c, packetizeOn(board, c.name, bufferBytes), bufferBytes);
        });
    }

    for (const bufferBytes of [1000, 4096, 16384]) {
        it(`MPEG audio: whole frames per RFC 2250, cut frames carried to the next read (reads of ${bufferBytes} bytes)`, () => {
            assert.equal(mpa.length, 7);
            for (const c of mpa) checkMpa(c, packetizeOn(board, c.name, bufferBytes), bufferBytes);
        });
    }

    it("fragments only frames larger than a packet", () => {
        const big = mpa.find(c => c.name === "l2-32k-384.mp2")!;
        assert.ok(big.frames.every(f => f.length > 1396));
        const r = packetizeOn(board, big.name, 4096);
        assert.equal(r.payloads.filter(p => p.readUInt16BE(2) !== 0).length, big.frames.length);
        const small = packetizeOn(board, "cbr-44k-128.mp3", 4096);
        assert.ok(small.payloads.every(p => p.readUInt32BE(0) === 0));
    });
});
