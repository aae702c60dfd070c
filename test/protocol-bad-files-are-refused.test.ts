// Files that cannot be streamed are refused with a reason, once, and never raise a Lua error: truncated, empty, bogus, not audio.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { au, chunk, describeOn, encode, fmtChunk, noise, riff, tempDir, wav } from "./protocol-media";
import { HostBoard } from "../tools/harness/host-board";

const pcm16 = { tag: 1, channels: 2, rate: 44100, bits: 16 };
const good = wav(pcm16, noise(4000, 1));

function withU32(b: Buffer, at: number, v: number): Buffer {
    const c = Buffer.from(b);
    c.writeUInt32LE(v, at);
    return c;
}

/** name -> [file, what the reason must mention] */
const refused = new Map<string, [Buffer, RegExp]>([
    ["empty.wav", [Buffer.alloc(0), /empty/]],
    ["one-byte.wav", [Buffer.from("R"), /recognised|not/]],
    ["riff-only.wav", [good.subarray(0, 10), /RIFF|not/]],
    ["no-chunks.wav", [riff([]), /fmt/]],
    ["fmt-cut.wav", [good.subarray(0, 30), /fmt|past the end/]],
    ["no-data.wav", [riff([fmtChunk(pcm16)]), /data chunk/]],
    ["no-fmt.wav", [riff([chunk("data", noise(400, 2))]), /fmt/]],
    ["data-empty.wav", [wav(pcm16, Buffer.alloc(0)), /empty/]],
    ["header-only.wav", [good.subarray(0, 44), /no complete sample|empty|data/]],
    ["fmt-huge.wav", [withU32(good, 16, 0xfffffff0), /past the end/]],
    ["fmt-short.wav", [riff([chunk("fmt ", noise(14, 3)), chunk("data", noise(400, 2))]), /too short/]],
    ["list-huge.wav", [riff([chunk("LIST", noise(20, 3)), fmtChunk(pcm16), chunk("data", noise(400, 2))]).fill(0xee, 16, 20), /past the end/]],
    ["float.wav", [wav({ tag: 3, channels: 2, rate: 44100, bits: 32 }, noise(800, 2)), /float/]],
    ["adpcm.wav", [wav({ tag: 2, channels: 1, rate: 8000, bits: 4, blockAlign: 256 }, noise(800, 2)), /0x0002.*not supported/]],
    ["mp3-in.wav", [wav({ tag: 0x55, channels: 2, rate: 44100, bits: 0, blockAlign: 1 }, noise(800, 2)), /MP3/]],
    ["pcm32.wav", [wav({ tag: 1, channels: 2, rate: 44100, bits: 32 }, noise(800, 2)), /32-bit/]],
    ["pcm12.wav", [wav({ tag: 1, channels: 1, rate: 8000, bits: 12, blockAlign: 2 }, noise(800, 2)), /12-bit/]],
    ["align.wav", [wav({ tag: 1, channels: 2, rate: 44100, bits: 16, blockAlign: 3 }, noise(800, 2)), /align/]],
    ["no-channels.wav", [wav({ tag: 1, channels: 0, rate: 44100, bits: 16, blockAlign: 0 }, noise(800, 2)), /channel|align/]],
    ["rate-zero.wav", [wav({ tag: 1, channels: 1, rate: 0, bits: 16 }, noise(800, 2)), /rate/]],
    ["rate-huge.wav", [wav({ tag: 1, channels: 1, rate: 4_000_000_000, bits: 8 }, noise(800, 2)), /rate/]],
    ["too-many-channels.wav", [wav({ tag: 1, channels: 1000, rate: 8000, bits: 16 }, noise(8000, 2)), /channels/]],
    ["ext-guid.wav", [(() => { const b = wav({ tag: 1, channels: 2, rate: 48000, bits: 16, extensible: 1 }, noise(800, 2)); b[12 + 8 + 30] ^= 0xff; return b; })(), /GUID/]],
    ["ext-float.wav", [wav({ tag: 1, channels: 2, rate: 48000, bits: 32, extensible: 3 }, noise(800, 2)), /float/]],
    ["avi.wav", [Buffer.concat([Buffer.from("RIFF\x10\0\0\0AVI LIST", "latin1"), noise(100, 4)]), /not WAVE/]],
    ["cut.au", [au(3, 8000, 1, Buffer.alloc(0)).subarray(0, 20), /cut short/]],
    ["offset-small.au", [(() => { const b = au(3, 8000, 1, noise(100, 5)); b.writeUInt32BE(8, 4); return b; })(), /offset/]],
    ["offset-beyond.au", [(() => { const b = au(3, 8000, 1, noise(100, 5)); b.writeUInt32BE(5000, 4); return b; })(), /no audio/]],
    ["no-data.au", [au(1, 8000, 1, Buffer.alloc(0)), /no audio/]],
    ["float.au", [au(6, 8000, 1, noise(100, 5)), /encoding 6/]],
    ["g721.au", [au(23, 8000, 1, noise(100, 5)), /encoding 23/]],
    ["no-channels.au", [au(3, 8000, 0, noise(100, 5)), /channel/]],
    ["rate-zero.au", [au(3, 0, 1, noise(100, 5)), /rate/]],
    ["channels-huge.au", [au(3, 8000, 0x7fffffff, noise(100, 5)), /channels/]],
    ["id3-only.mp3", [Buffer.concat([Buffer.from("ID3\x03\0\0\0\0\x01\0", "latin1"), Buffer.alloc(128)]), /ID3 tag and no audio/]],
    ["id3-bad-size.mp3", [Buffer.concat([Buffer.from("ID3\x03\0\0\x80\0\0\0", "latin1"), noise(200, 6)]), /ID3/]],
    ["id3-then-noise.mp3", [Buffer.concat([Buffer.from("ID3\x03\0\0\0\0\0\x0a", "latin1"), Buffer.alloc(10), noise(5000, 7)]), /no MPEG audio frames/]],
    ["lone-header.mp3", [Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), noise(2000, 8)]), /no MPEG audio frames/]],
    ["readme.txt", [Buffer.from("ringcast plays WAV, AU and MP3 files.\nPut them on the card.\n"), /text/]],
    ["playlist.m3u", [Buffer.from("#EXTM3U\r\n#EXTINF:123,Tone\r\ntone.mp3\r\n"), /text/]],
    ["page.wav", [Buffer.from("<html><body>not a wav</body></html>\n"), /text/]],
    ["zeros.wav", [Buffer.alloc(8192), /not a recognised/]],
]);

eachLuaVersion("protocol: bad files are refused", version => {
    const files = new Map<string, Buffer>([...refused].map(([n, [b]]) => [n, b]));
    for (let seed = 1; seed <= 12; seed++) for (const ext of ["bin", "wav", "au", "mp3"]) files.set(`random-${seed}.${ext}`, noise(seed * 700, seed * 31 + ext.length));
    const valid = new Map<string, Buffer>();
    let dir = "";

    before(function () {
        this.timeout(60_000);
        dir = tempDir();
        valid.set("v.wav", wav({ tag: 1, channels: 2, rate: 48000, bits: 24, extensible: 1 }, noise(6000, 9)));
        valid.set("v.au", au(3, 16000, 2, noise(4000, 10), { annotation: "note\0\0\0\0" }));
        valid.set("v.mp3", encode(path.join(dir, "v.mp3"), 0.5, 22050, 1, ["-c:a", "libmp3lame", "-b:a", "32k"]));
        for (const [n, b] of valid) files.set(n, b);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    let board: HostBoard;
    beforeEach(() => {
        board = testBoard(version, { files });
    });
    afterEach(() => board.close());

    for (const [name, [, reason]] of refused) {
        it(`refuses ${name}`, () => {
            const d = describeOn(board, name);
            assert.equal(d.calls, 1, "answered once");
            assert.equal(d.media, undefined);
            assert.equal(typeof d.reason, "string");
            assert.match(d.reason!, reason);
        });
    }

    it("refuses random bytes under any name", () => {
        let n = 0;
        for (const name of files.keys()) {
            if (!name.startsWith("random-")) continue;
            const d = describeOn(board, name);
            assert.equal(d.calls, 1, name);
            assert.equal(d.media, undefined, name);
            assert.ok(typeof d.reason === "string" && d.reason.length > 0, name);
            n++;
        }
        assert.equal(n, 48);
    });

    it("never raises for truncated or corrupted headers of valid files, and whatever it accepts lies inside the file", () => {
        // Deterministic corruption: every truncation of the first 200 bytes, and byte flips in the header area.
        const mutants = new Map<string, Buffer>();
        for (const [name, b] of valid) {
            for (let len = 0; len <= 200; len += 7) mutants.set(`cut${len}-${name}`, b.subarray(0, len));
            let s = 12345;
            for (let k = 0; k < 40; k++) {
                const c = Buffer.from(b);
                for (let j = 0; j < 3; j++) {
                    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
                    const at = s % 96;
                    c[at] = (s >>> 8) & 0xff;
                }
                mutants.set(`flip${k}-${name}`, c);
            }
        }
        const mb = testBoard(version, { files: mutants });
        try {
            let refusedCount = 0;
            for (const [name, b] of mutants) {
                const d = describeOn(mb, name);
                assert.equal(d.calls, 1, name);
                if (d.media === undefined) {
                    assert.ok(typeof d.reason === "string" && d.reason.length > 0, name);
                    refusedCount++;
                } else {
                    assert.equal(d.reason, undefined, name);
                    assert.ok(d.media.dataLength > 0 && d.media.dataOffset >= 0 && d.media.dataOffset + d.media.dataLength <= b.length, `${name}: data inside the file`);
                }
            }
            assert.ok(refusedCount > 50, `${refusedCount} refused`);
        } finally {
            mb.close();
        }
    });
});
