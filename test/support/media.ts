// Test support: audio files built byte by byte in JS (WAV, AU), and the bytes an RTP receiver must get back from them.
import * as crypto from "crypto";

export interface PcmSpec {
    rate: number;
    channels: number;
    /** 8, 16, 24 for PCM; 8 for G.711. */
    bits: number;
    seconds: number;
    /** WAV format tag: 1 PCM, 6 A-law, 7 μ-law, 0xfffe extensible (PCM subformat). */
    format?: number;
    /** Chunks placed before and after the data chunk, e.g. LIST, with odd sizes to exercise padding. */
    chunksBefore?: Array<[string, Buffer]>;
    chunksAfter?: Array<[string, Buffer]>;
    seed?: number;
}

/** Deterministic pseudo-random audio bytes (every byte value occurs). */
export function audioBytes(length: number, seed = 1): Buffer {
    const out = Buffer.alloc(length);
    let chunk = Buffer.alloc(0);
    let counter = 0;
    for (let i = 0; i < length; i++) {
        if (i % 32 === 0) chunk = crypto.createHash("sha256").update(`${seed}:${counter++}`).digest();
        out[i] = chunk[i % 32];
    }
    return out;
}

function chunk(id: string, body: Buffer): Buffer {
    const head = Buffer.alloc(8);
    head.write(id, 0, "latin1");
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body, body.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

export function makeWav(spec: PcmSpec): { file: Buffer; data: Buffer } {
    const format = spec.format ?? 1;
    const frameBytes = (spec.bits / 8) * spec.channels;
    const frames = Math.round(spec.rate * spec.seconds);
    const data = audioBytes(frames * frameBytes, spec.seed ?? 1);
    const fmt = Buffer.alloc(format === 0xfffe ? 40 : 16);
    fmt.writeUInt16LE(format, 0);
    fmt.writeUInt16LE(spec.channels, 2);
    fmt.writeUInt32LE(spec.rate, 4);
    fmt.writeUInt32LE(spec.rate * frameBytes, 8);
    fmt.writeUInt16LE(frameBytes, 12);
    fmt.writeUInt16LE(spec.bits, 14);
    if (format === 0xfffe) {
        fmt.writeUInt16LE(22, 16);
        fmt.writeUInt16LE(spec.bits, 18);
        fmt.writeUInt32LE(0, 20);
        // KSDATAFORMAT_SUBTYPE_PCM {00000001-0000-0010-8000-00aa00389b71}
        Buffer.from("0100000000001000800000aa00389b71", "hex").copy(fmt, 24);
    }
    const body = Buffer.concat([
        Buffer.from("WAVE", "latin1"),
        ...(spec.chunksBefore ?? []).map(([id, b]) => chunk(id, b)),
        chunk("fmt ", fmt),
        chunk("data", data),
        ...(spec.chunksAfter ?? []).map(([id, b]) => chunk(id, b)),
    ]);
    const riff = Buffer.alloc(8);
    riff.write("RIFF", 0, "latin1");
    riff.writeUInt32LE(body.length, 4);
    return { file: Buffer.concat([riff, body]), data };
}

/** Sun .au: encoding 1 μ-law, 3 16-bit, 4 24-bit, 27 A-law; big-endian samples. */
export function makeAu(encoding: number, rate: number, channels: number, seconds: number, seed = 3): { file: Buffer; data: Buffer } {
    const bytes = encoding === 3 ? 2 : encoding === 4 ? 3 : 1;
    const data = audioBytes(Math.round(rate * seconds) * bytes * channels, seed);
    const head = Buffer.alloc(32);
    head.write(".snd", 0, "latin1");
    head.writeUInt32BE(32, 4);
    head.writeUInt32BE(data.length, 8);
    head.writeUInt32BE(encoding, 12);
    head.writeUInt32BE(rate, 16);
    head.writeUInt32BE(channels, 20);
    head.write("ringcast", 24, "latin1");
    return { file: Buffer.concat([head, data]), data };
}

/** Little-endian PCM to network byte order, as RFC 3551 L16/L24 carry it. */
export function toNetworkOrder(data: Buffer, width: number): Buffer {
    const out = Buffer.alloc(data.length);
    for (let i = 0; i + width <= data.length; i += width) for (let k = 0; k < width; k++) out[i + k] = data[i + width - 1 - k];
    return out;
}
