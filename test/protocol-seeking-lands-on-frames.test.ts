// Seeking (RTSP Range): PCM lands on the exact sample frame; MPEG audio on a frame start, exact for CBR, near for VBR.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { encode, ffmpegElementaryStream, ffmpegPackets, noise, packetizeOn, swapEach, tempDir, wav } from "./protocol-media";
import { HostBoard } from "../tools/harness/host-board";

interface Mpa {
    name: string;
    es: Buffer;
    starts: number[];
    spf: number;
    rate: number;
    vbr: boolean;
}

eachLuaVersion("protocol: seeking lands on frames", version => {
    const files = new Map<string, Buffer>();
    const mpa: Mpa[] = [];
    const pcmData = noise(48000 * 6, 77);
    files.set("s24.wav", wav({ tag: 1, channels: 2, rate: 48000, bits: 24 }, pcmData));
    let dir = "";

    before(function () {
        this.timeout(120_000);
        dir = tempDir();
        const make = (name: string, rate: number, ch: number, spf: number, vbr: boolean, args: string[]): void => {
            const file = path.join(dir, name);
            files.set(name, encode(file, 6, rate, ch, args));
            const sizes = ffmpegPackets(file).sizes;
            const starts: number[] = [];
            let at = 0;
            for (const s of sizes) {
                starts.push(at);
                at += s;
            }
            mpa.push({ name, es: ffmpegElementaryStream(file, `${file}.es`), starts, spf, rate, vbr });
        };
        make("cbr-44k.mp3", 44100, 2, 1152, false, ["-c:a", "libmp3lame", "-b:a", "128k"]);
        make("cbr-48k.mp3", 48000, 2, 1152, false, ["-c:a", "libmp3lame", "-b:a", "192k"]);
        make("cbr-22k-bare.mp3", 22050, 1, 576, false, ["-c:a", "libmp3lame", "-b:a", "40k", "-write_xing", "0", "-id3v2_version", "0"]);
        make("cbr-44k.mp2", 44100, 2, 1152, false, ["-c:a", "mp2", "-b:a", "160k"]);
        make("vbr-44k.mp3", 44100, 2, 1152, true, ["-c:a", "libmp3lame", "-q:a", "3"]);
        make("vbr-24k.mp3", 24000, 1, 576, true, ["-c:a", "libmp3lame", "-q:a", "7"]);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    let board: HostBoard;
    beforeEach(() => {
        board = testBoard(version, { files });
    });
    afterEach(() => board.close());

    it("PCM: the offset of the exact sample frame, and the payloads from there on", () => {
        const frames = pcmData.length / 6;
        for (const ticks of [0, 1, 47_999, 123_457, frames - 1, frames, frames + 5000]) {
            const r = packetizeOn(board, "s24.wav", 4096, ticks);
            const frame = Math.min(ticks, frames);
            assert.equal(r.startTicks, frame, `ticks ${ticks}`);
            assert.equal(r.startOffset, 44 + frame * 6, `ticks ${ticks}`);
            assert.ok(Buffer.concat(r.payloads).equals(swapEach(pcmData.subarray(frame * 6), 3)), `ticks ${ticks}: payloads from the frame on`);
        }
    });

    it("MPEG CBR: the frame holding the position, exactly, whatever the padding pattern", () => {
        for (const m of mpa.filter(x => !x.vbr)) {
            for (const k of [1, 2, 7, 50, 101, Math.floor(m.starts.length / 2), m.starts.length - 3]) {
                const frameTicks = Math.floor((k * m.spf * 90000) / m.rate);
                const r = packetizeOn(board, m.name, 4096, frameTicks + 17);
                assert.equal(r.startTicks, frameTicks, `${m.name} frame ${k}`);
                const data = Buffer.concat(r.payloads.map(p => p.subarray(4)));
                assert.ok(data.equals(m.es.subarray(m.starts[k])), `${m.name}: payloads start at frame ${k}`);
                // Timestamps go on from the frame's own sample position without drift.
                const total = r.ticks.reduce((a, t) => a + t, 0);
                assert.equal(frameTicks + total, Math.floor((m.starts.length * m.spf * 90000) / m.rate), `${m.name} frame ${k}: ticks to the end`);
            }
        }
    });

    it("MPEG VBR: a frame start near the position, from the Xing table of contents", () => {
        for (const m of mpa.filter(x => x.vbr)) {
            const n = m.starts.length;
            for (const fraction of [0.1, 0.25, 0.5, 0.8]) {
                const k = Math.floor(n * fraction);
                const frameTicks = Math.floor((k * m.spf * 90000) / m.rate);
                const r = packetizeOn(board, m.name, 4096, frameTicks);
                assert.equal(r.startTicks, frameTicks);
                const data = Buffer.concat(r.payloads.map(p => p.subarray(4)));
                const j = m.starts.indexOf(m.es.length - data.length);
                assert.ok(j >= 0, `${m.name} @${fraction}: payloads start on a frame`);
                assert.ok(data.equals(m.es.subarray(m.starts[j])), `${m.name} @${fraction}: then every frame to the end`);
                assert.ok(Math.abs(j - k) <= Math.max(2, 0.03 * n), `${m.name} @${fraction}: frame ${j} for ${k} of ${n}`);
            }
        }
    });

    it("seeks to the start and past the end", () => {
        for (const m of mpa) {
            const start = packetizeOn(board, m.name, 4096, 0);
            assert.equal(start.startTicks, 0);
            assert.ok(Buffer.concat(start.payloads.map(p => p.subarray(4))).equals(m.es), m.name);
            const end = packetizeOn(board, m.name, 4096, 90000 * 3600);
            assert.equal(end.payloads.length, 0, m.name);
        }
    });
});
