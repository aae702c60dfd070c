// Sample media for a first run: a short melody as 44.1 kHz stereo WAV, μ-law WAV, 16-bit AU, and MP3 when ffmpeg is there.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** Extensions the firmware recognises (WAV, AU/SND, MP3). */
export const PLAYABLE = /\.(wav|au|snd|mp3)$/i;

/** A C-major scale, one note per half second, with short fades so note changes do not click. */
export function melody(rate: number, seconds: number, channel = 0): Float64Array {
    const notes = [261.63, 293.66, 329.63, 349.23, 392.0, 440.0, 493.88, 523.25];
    const out = new Float64Array(Math.round(rate * seconds));
    const noteLength = rate / 2;
    const fade = Math.round(rate * 0.005);
    for (let i = 0; i < out.length; i++) {
        const n = Math.floor(i / noteLength);
        const f = notes[n % notes.length] * (channel === 1 ? 1.5 : 1); // the right channel a fifth above
        const k = i - n * noteLength;
        const env = Math.min(1, k / fade, (noteLength - k) / fade);
        out[i] = 0.3 * env * Math.sin((2 * Math.PI * f * k) / rate);
    }
    return out;
}

function s16(x: number): number {
    return Math.max(-32768, Math.min(32767, Math.round(x * 32767)));
}

/** G.711 μ-law: the common CCITT reference encoder (bias 0x84, clip at 32635). */
export function muLaw(sample: number): number {
    const BIAS = 0x84;
    let s = sample;
    const sign = s < 0 ? 0x80 : 0;
    if (s < 0) s = -s;
    s = Math.min(s, 32635) + BIAS;
    let exponent = 7;
    for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
    const mantissa = (s >> (exponent + 3)) & 0x0f;
    return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function riff(format: number, channels: number, rate: number, bits: number, data: Buffer, frames: number): Buffer {
    const blockAlign = (bits / 8) * channels;
    const pcm = format === 1;
    const fmt = Buffer.alloc(pcm ? 16 : 18);
    fmt.writeUInt16LE(format, 0);
    fmt.writeUInt16LE(channels, 2);
    fmt.writeUInt32LE(rate, 4);
    fmt.writeUInt32LE(rate * blockAlign, 8);
    fmt.writeUInt16LE(blockAlign, 12);
    fmt.writeUInt16LE(bits, 14);
    const chunk = (id: string, body: Buffer): Buffer => {
        const head = Buffer.alloc(8);
        head.write(id, 0, "latin1");
        head.writeUInt32LE(body.length, 4);
        return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
    };
    // Non-PCM WAV files carry a fact chunk with the frame count (RIFF spec for compressed formats).
    const fact = Buffer.alloc(4);
    fact.writeUInt32LE(frames, 0);
    const body = Buffer.concat([Buffer.from("WAVE", "latin1"), chunk("fmt ", fmt), ...(pcm ? [] : [chunk("fact", fact)]), chunk("data", data)]);
    const head = Buffer.alloc(8);
    head.write("RIFF", 0, "latin1");
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body]);
}

/** 16-bit PCM WAV, channels interleaved, little-endian; returns the file and its samples. */
export function pcmWav(rate: number, channels: number, seconds: number): { file: Buffer; samples: Int16Array } {
    const ch = Array.from({ length: channels }, (_v, c) => melody(rate, seconds, c));
    const frames = ch[0].length;
    const samples = new Int16Array(frames * channels);
    for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) samples[i * channels + c] = s16(ch[c][i]);
    return { file: riff(1, channels, rate, 16, Buffer.from(samples.buffer), frames), samples };
}

export function muLawWav(rate: number, seconds: number): Buffer {
    const m = melody(rate, seconds);
    const data = Buffer.alloc(m.length);
    for (let i = 0; i < m.length; i++) data[i] = muLaw(s16(m[i]));
    return riff(7, 1, rate, 8, data, m.length);
}

/** Sun AU: 24-byte big-endian header, encoding 3 (16-bit linear PCM), big-endian samples. */
export function au16(rate: number, channels: number, seconds: number): { file: Buffer; samples: Int16Array } {
    const ch = Array.from({ length: channels }, (_v, c) => melody(rate, seconds, c));
    const frames = ch[0].length;
    const samples = new Int16Array(frames * channels);
    const data = Buffer.alloc(frames * channels * 2);
    for (let i = 0; i < frames; i++) {
        for (let c = 0; c < channels; c++) {
            samples[i * channels + c] = s16(ch[c][i]);
            data.writeInt16BE(samples[i * channels + c], (i * channels + c) * 2);
        }
    }
    const head = Buffer.alloc(24);
    head.write(".snd", 0, "latin1");
    head.writeUInt32BE(24, 4);
    head.writeUInt32BE(data.length, 8);
    head.writeUInt32BE(3, 12);
    head.writeUInt32BE(rate, 16);
    head.writeUInt32BE(channels, 20);
    return { file: Buffer.concat([head, data]), samples };
}

/** The ffmpeg to use: the one @ffmpeg-installer ships, else one on PATH, else none. */
export function findFfmpeg(): string | undefined {
    try {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const p = require("@ffmpeg-installer/ffmpeg").path as string;
        if (fs.existsSync(p)) return p;
    } catch {
        /* not installed: try PATH */
    }
    const r = spawnSync("ffmpeg", ["-version"], { stdio: "ignore" });
    return r.status === 0 ? "ffmpeg" : undefined;
}

/**
 * MP3 from a WAV through ffmpeg. No Xing/LAME info frame and no ID3 tag: every frame in the file is audio, so a
 * receiver's decode and a decode of the file agree sample for sample.
 */
export function encodeMp3(ffmpeg: string, wav: string, mp3: string, bitrate = "128k"): boolean {
    const r = spawnSync(ffmpeg, ["-v", "error", "-y", "-i", wav, "-codec:a", "libmp3lame", "-b:a", bitrate, "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", mp3]);
    return r.status === 0 && fs.existsSync(mp3);
}

/** Writes the sample set into dir; returns the names written. */
export function writeSample(dir: string, seconds = 8): string[] {
    fs.mkdirSync(dir, { recursive: true });
    const written: string[] = [];
    const put = (name: string, data: Buffer): void => {
        fs.writeFileSync(path.join(dir, name), data);
        written.push(name);
    };
    put("tone.wav", pcmWav(44100, 2, seconds).file);
    put("ulaw.wav", muLawWav(8000, seconds));
    put("tone.au", au16(44100, 1, seconds).file);
    const ffmpeg = findFfmpeg();
    if (ffmpeg && encodeMp3(ffmpeg, path.join(dir, "tone.wav"), path.join(dir, "tone.mp3"))) written.push("tone.mp3");
    return written;
}

/** Playable files under dir (relative paths with "/"), as the card lists them. */
export function playableFiles(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string, prefix: string): void => {
        if (!fs.existsSync(d)) return;
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            if (e.name.startsWith(".")) continue;
            if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
            else if (e.isFile() && PLAYABLE.test(e.name)) out.push(prefix + e.name);
        }
    };
    walk(dir, "");
    return out.sort();
}
