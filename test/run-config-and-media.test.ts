// The run config is checked with one-line errors; the generated sample is valid audio that ffmpeg reads as intended.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { checkConfig, ConfigError, readConfig } from "../tools/run/config";
import { runStorage } from "../tools/run/host-run";
import { findFfmpeg, muLaw, playableFiles, writeSample } from "../tools/run/media";
import { ffmpeg, tempDir } from "./rtsp-real";

const ok = { channels: [{ name: "lobby", files: ["a.wav", "b.mp3"], group: "239.255.1.1", port: 5004, ttl: 2, loop: false }], sap: { intervalS: 10 } };

describe("run config", () => {
    it("accepts a valid config and normalises card paths", () => {
        const c = checkConfig({ ...ok, channels: [{ ...ok.channels[0], files: ["/a.wav", "b.mp3"] }] }, "x.json", ["a.wav", "b.mp3"]);
        assert.deepEqual(c.channels[0].files, ["a.wav", "b.mp3"]);
        assert.equal(c.sap?.intervalS, 10);
    });

    const bad: Array<[string, unknown, RegExp]> = [
        ["not an object", [], /top level/],
        ["unknown top key", { ...ok, extra: 1 }, /extra: unknown key/],
        ["bad name", { channels: [{ ...ok.channels[0], name: "a b" }] }, /channels\[0\]\.name/],
        ["duplicate name", { channels: [ok.channels[0], { ...ok.channels[0], group: "239.1.1.1" }] }, /duplicate channel name "lobby"/],
        ["no files", { channels: [{ ...ok.channels[0], files: [] }] }, /channels\[0\]\.files/],
        ["file leaves the card", { channels: [{ ...ok.channels[0], files: ["../x.wav"] }] }, /leaves the card/],
        ["file not on the card", { channels: [{ ...ok.channels[0], files: ["c.wav"] }] }, /"c.wav" is not on the card/],
        ["unicast group", { channels: [{ ...ok.channels[0], group: "10.0.0.1" }] }, /group: expected an IPv4 multicast/],
        ["odd port", { channels: [{ ...ok.channels[0], port: 5005 }] }, /port: expected an even port/],
        ["ttl", { channels: [{ ...ok.channels[0], ttl: 0 }] }, /ttl: expected 1-255/],
        ["same destination twice", { channels: [ok.channels[0], { ...ok.channels[0], name: "other" }] }, /sends to 239.255.1.1:5004 like channel "lobby"/],
        ["sap interval", { ...ok, sap: { intervalS: 0 } }, /sap.intervalS/],
    ];
    for (const [what, value, message] of bad) {
        it(`refuses ${what} with a one-line message`, () => {
            assert.throws(() => checkConfig(value, "x.json", ["a.wav", "b.mp3"]), (e: Error) => e instanceof ConfigError && message.test(e.message) && !e.message.includes("\n") && e.message.startsWith("x.json: "));
        });
    }

    it("names the file when it is not JSON", () => {
        const dir = tempDir("cfg");
        try {
            fs.writeFileSync(path.join(dir, "c.json"), "{ nope");
            assert.throws(() => readConfig(path.join(dir, "c.json")), /^Error: c\.json: not JSON/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("generated sample", function () {
    this.timeout(60_000);

    it("μ-law codes decode (by ffmpeg) to within half a G.711 step of the input, monotonically", async () => {
        const ff = findFfmpeg();
        assert.ok(ff, "ffmpeg is needed");
        const inputs = Array.from({ length: 65536 / 7 }, (_v, i) => -32768 + i * 7);
        const codes = Buffer.from(inputs.map(muLaw));
        const dir = tempDir("ulaw");
        try {
            fs.writeFileSync(path.join(dir, "c.ul"), codes);
            const pcm = await ffmpeg(ff!, ["-f", "mulaw", "-ar", "8000", "-ac", "1", "-i", path.join(dir, "c.ul"), "-f", "s16le", "-"]);
            let previous = -Infinity;
            inputs.forEach((x, i) => {
                const y = pcm.readInt16LE(i * 2);
                // With the 132 bias, |x| + 132 in [2^(e+7), 2^(e+8)) is segment e, whose steps are 2^(e+3): the decoder's
                // midpoint is at most half a step away. Inputs beyond 32635 clip.
                const clipped = Math.max(-32635, Math.min(32635, x));
                const step = 2 ** (Math.floor(Math.log2(Math.abs(clipped) + 132)) - 4);
                assert.ok(Math.abs(y - clipped) <= step / 2 + 1, `${x} -> ${y} (step ${step})`);
                assert.ok(y >= previous, `monotonic at ${x}`);
                previous = y;
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("writes WAV, μ-law WAV, AU and MP3 that ffmpeg reads with the intended format and length", async () => {
        const ff = findFfmpeg();
        assert.ok(ff, "ffmpeg is needed");
        const dir = tempDir("sample");
        try {
            const written = writeSample(dir, 2);
            assert.deepEqual(written.sort(), ["tone.au", "tone.mp3", "tone.wav", "ulaw.wav"]);
            assert.deepEqual(playableFiles(dir), ["tone.au", "tone.mp3", "tone.wav", "ulaw.wav"]);
            for (const [file, bytesPerSecond] of [["tone.wav", 44100 * 4], ["ulaw.wav", 8000 * 2], ["tone.au", 44100 * 2]] as const) {
                const pcm = await ffmpeg(ff!, ["-i", path.join(dir, file), "-f", "s16le", "-c:a", "pcm_s16le", "-"]);
                assert.equal(pcm.length, 2 * bytesPerSecond, `${file} decodes to 2 s`);
                let peak = 0;
                for (let i = 0; i < pcm.length; i += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(i)));
                assert.ok(peak > 8000 && peak < 12000, `${file}: a tone at about 0.3 full scale (peak ${peak})`);
            }
            const mp3 = await ffmpeg(ff!, ["-i", path.join(dir, "tone.mp3"), "-f", "s16le", "-c:a", "pcm_s16le", "-"]);
            assert.ok(Math.abs(mp3.length / (44100 * 4) - 2) < 0.1, `tone.mp3 lasts about 2 s (${mp3.length} bytes)`);
            const head = fs.readFileSync(path.join(dir, "tone.mp3")).subarray(0, 200);
            assert.ok(head.indexOf("Xing") < 0 && head.indexOf("Info") < 0 && head.indexOf("ID3") !== 0, "audio frames only: no ID3 tag, no info frame");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("injected storage stalls", () => {
    it("holds reads that start in the first stall window of each second until the window ends, and no others", () => {
        const model = runStorage(100);
        assert.equal(model.mode, "async");
        for (const second of [0, 1, 7]) {
            const s = second * 1e6;
            assert.equal(model.stallUs!(s), 100_000);
            assert.equal(model.stallUs!(s + 40_000), 60_000);
            assert.equal(model.stallUs!(s + 99_999), 1);
            assert.equal(model.stallUs!(s + 100_000), 0);
            assert.equal(model.stallUs!(s + 999_999), 0);
        }
        assert.equal(runStorage(0).stallUs, undefined);
    });
});
