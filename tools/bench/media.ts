// Bench media: aggregate rates made of L16 WAV streams, the files for them, and the SDP a receiver needs to read them.
import * as fs from "fs";
import * as path from "path";

export interface StreamSpec {
    rate: number;
    channels: number;
}

export interface Level {
    /** Aggregate L16 payload rate in Mbit/s (headers not counted). */
    mbps: number;
    streams: StreamSpec[];
}

export const specMbps = (s: StreamSpec): number => (s.rate * s.channels * 16) / 1e6;

export function level(streams: StreamSpec[]): Level {
    return { mbps: streams.reduce((a, s) => a + specMbps(s), 0), streams };
}

/** The seed's rates and beyond: one CD stream (1.4), then 6, 12 and 24 Mbit/s from 96 and 192 kHz stereo streams. */
export const FIXED_LEVELS: Level[] = [
    level([{ rate: 44100, channels: 2 }]),
    level([{ rate: 96000, channels: 2 }, { rate: 96000, channels: 2 }]),
    level([{ rate: 192000, channels: 2 }, { rate: 192000, channels: 2 }]),
    level([{ rate: 192000, channels: 2 }, { rate: 192000, channels: 2 }, { rate: 192000, channels: 2 }, { rate: 192000, channels: 2 }]),
];

/**
 * The search ladder: `channels` 48 kHz L16 channels (0.768 Mbit/s each) over at most three streams (a NodeMCU board opens
 * four files, one kept for other reads), so the rate grows in even steps.
 */
export function channelLevel(channels: number): Level {
    const n = Math.min(3, channels);
    const streams: StreamSpec[] = [];
    for (let i = 0; i < n; i++) streams.push({ rate: 48000, channels: Math.floor(channels / n) + (i < channels % n ? 1 : 0) });
    return level(streams);
}

export const fileName = (s: StreamSpec, index: number): string => `s${index}-${s.rate}-${s.channels}ch.wav`;

/** A PCM WAV of `seconds`: a slow ramp per channel, so the bytes are not all alike; content does not matter to pacing. */
export function makeWav(s: StreamSpec, seconds: number): Buffer {
    const frames = Math.round(s.rate * seconds);
    const frameBytes = 2 * s.channels;
    const out = Buffer.alloc(44 + frames * frameBytes);
    out.write("RIFF", 0, "latin1");
    out.writeUInt32LE(36 + frames * frameBytes, 4);
    out.write("WAVEfmt ", 8, "latin1");
    out.writeUInt32LE(16, 16);
    out.writeUInt16LE(1, 20);
    out.writeUInt16LE(s.channels, 22);
    out.writeUInt32LE(s.rate, 24);
    out.writeUInt32LE(s.rate * frameBytes, 28);
    out.writeUInt16LE(frameBytes, 32);
    out.writeUInt16LE(16, 34);
    out.write("data", 36, "latin1");
    out.writeUInt32LE(frames * frameBytes, 40);
    for (let f = 0; f < frames; f++) for (let c = 0; c < s.channels; c++) out.writeInt16LE(((f * (c + 1) * 7) % 65536) - 32768, 44 + f * frameBytes + 2 * c);
    return out;
}

/** The files of a level, in memory (virtual runs) keyed by card name. */
export function levelFiles(l: Level, seconds: number): Map<string, Buffer> {
    return new Map(l.streams.map((s, i) => [fileName(s, i), makeWav(s, seconds)]));
}

/** Writes the level's files to `dir` (real-time runs and peers read the same files) and returns their paths. */
export function writeLevelFiles(l: Level, seconds: number, dir: string): string[] {
    fs.mkdirSync(dir, { recursive: true });
    return l.streams.map((s, i) => {
        const p = path.join(dir, fileName(s, i));
        if (!fs.existsSync(p) || fs.statSync(p).size !== 44 + Math.round(s.rate * seconds) * 4 * s.channels) fs.writeFileSync(p, makeWav(s, seconds));
        return p;
    });
}

/** Dynamic payload type every sender is told to use, so one SDP describes ringcast's and the peers' streams alike. */
export const BENCH_PT = 96;

/** An SDP with one L16 m= line per stream, on ports base, base + 2, ... */
export function levelSdp(l: Level, basePort: number, pts: number[]): string {
    const lines = ["v=0", "o=- 0 0 IN IP4 127.0.0.1", "s=ringcast bench", "c=IN IP4 127.0.0.1", "t=0 0"];
    l.streams.forEach((s, i) => {
        lines.push(`m=audio ${basePort + 2 * i} RTP/AVP ${pts[i]}`, `a=rtpmap:${pts[i]} L16/${s.rate}/${s.channels}`, "a=recvonly");
    });
    return lines.join("\r\n") + "\r\n";
}
