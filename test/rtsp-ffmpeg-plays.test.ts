// ffmpeg, a real RTSP client, plays WAV, μ-law, AU and MP3 from `ringcast run` over UDP and TCP; the audio comes out exact.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { HostRun } from "../tools/run/host-run";
import { au16, encodeMp3, findFfmpeg, muLawWav, pcmWav } from "../tools/run/media";
import { ffmpeg, startRun, tempDir } from "./rtsp-real";

const SECONDS = 1.5;

describe("ffmpeg plays every sample format from ringcast run", function () {
    this.timeout(180_000);
    const ff = findFfmpeg();
    let sd: string;
    let run: HostRun;
    let cleanup: string[] = [];
    /** What a decode of each file must give: the source samples (PCM), or ffmpeg's decode of the file itself. */
    const expected = new Map<string, Buffer>();

    before(async () => {
        assert.ok(ff, "ffmpeg is needed: npm install provides @ffmpeg-installer/ffmpeg");
        sd = tempDir("ff-media");
        const wav = pcmWav(44100, 2, SECONDS);
        fs.writeFileSync(path.join(sd, "tone.wav"), wav.file);
        expected.set("tone.wav", Buffer.from(wav.samples.buffer));
        const au = au16(44100, 1, SECONDS);
        fs.writeFileSync(path.join(sd, "tone.au"), au.file);
        expected.set("tone.au", Buffer.from(au.samples.buffer));
        fs.writeFileSync(path.join(sd, "ulaw.wav"), muLawWav(8000, SECONDS));
        assert.ok(encodeMp3(ff!, path.join(sd, "tone.wav"), path.join(sd, "tone.mp3")), "ffmpeg encodes the MP3 sample");
        for (const f of ["ulaw.wav", "tone.mp3"]) expected.set(f, await ffmpeg(ff!, ["-i", path.join(sd, f), "-f", "s16le", "-c:a", "pcm_s16le", "-"]));
        const started = await startRun(sd);
        run = started.run;
        cleanup = [sd, started.buildDir];
    });

    after(async () => {
        await run?.stop();
        for (const d of cleanup) fs.rmSync(d, { recursive: true, force: true });
    });

    for (const transport of ["udp", "tcp"]) {
        for (const file of ["tone.wav", "ulaw.wav", "tone.au", "tone.mp3"]) {
            it(`${file} over ${transport.toUpperCase()}: decoded samples equal ${file.endsWith(".mp3") || file.startsWith("ulaw") ? "ffmpeg's decode of the file" : "the source"}`, async () => {
                const url = run.urls.find(u => u.endsWith(`/${file}`));
                assert.ok(url, `a URL for ${file} among ${run.urls.join(" ")}`);
                const got = await ffmpeg(ff!, ["-rtsp_transport", transport, "-i", url, "-f", "s16le", "-c:a", "pcm_s16le", "-"]);
                const want = expected.get(file)!;
                assert.equal(got.length, want.length, `decoded ${got.length} bytes, expected ${want.length}`);
                const firstDiff = got.findIndex((b, i) => b !== want[i]);
                assert.equal(firstDiff, -1, `first difference at byte ${firstDiff}`);
            });
        }
    }
});
