// Test support for the protocol layer: hand-built WAV/AU files, ffmpeg-made MP3/MP2 files and ffmpeg's view of them.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HostBoard } from "../tools/harness/host-board";

/** Deterministic bytes (an LCG), so swapped or shifted bytes never look right by accident. */
export function noise(length: number, seed = 1): Buffer {
    const b = Buffer.alloc(length);
    let s = seed >>> 0;
    for (let i = 0; i < length; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        b[i] = s >>> 24;
    }
    return b;
}

export function chunk(id: string, body: Buffer): Buffer {
    const head = Buffer.alloc(8);
    head.write(id, 0, "latin1");
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body, body.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

export interface FmtOptions {
    tag: number;
    channels: number;
    rate: number;
    bits: number;
    blockAlign?: number;
    /** WAVE_FORMAT_EXTENSIBLE with this subformat code. */
    extensible?: number;
    validBits?: number;
}

export function fmtChunk(o: FmtOptions): Buffer {
    const ext = o.extensible !== undefined;
    const body = Buffer.alloc(ext ? 40 : 16);
    const align = o.blockAlign ?? (o.channels * o.bits) / 8;
    body.writeUInt16LE(ext ? 0xfffe : o.tag, 0);
    body.writeUInt16LE(o.channels, 2);
    body.writeUInt32LE(o.rate, 4);
    body.writeUInt32LE(o.rate * align, 8);
    body.writeUInt16LE(align, 12);
    body.writeUInt16LE(o.bits, 14);
    if (ext) {
        body.writeUInt16LE(22, 16);
        body.writeUInt16LE(o.validBits ?? o.bits, 18);
        body.writeUInt32LE(o.channels === 2 ? 3 : 4, 20);
        body.writeUInt16LE(o.extensible!, 24);
        Buffer.from("000000001000800000aa00389b71", "hex").copy(body, 26);
    }
    return chunk("fmt ", body);
}

/** A RIFF/WAVE file of the given chunks (already encoded). */
export function riff(chunks: Buffer[]): Buffer {
    const body = Buffer.concat([Buffer.from("WAVE", "latin1"), ...chunks]);
    const head = Buffer.alloc(8);
    head.write("RIFF", 0, "latin1");
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body]);
}

export function wav(o: FmtOptions, data: Buffer): Buffer {
    return riff([fmtChunk(o), chunk("data", data)]);
}

/** Sun .au: header (24 bytes + annotation), big-endian fields. */
export function au(encoding: number, rate: number, channels: number, data: Buffer, options: { annotation?: string; size?: number } = {}): Buffer {
    const note = Buffer.from(options.annotation ?? "\0\0\0\0", "latin1");
    const head = Buffer.alloc(24);
    head.write(".snd", 0, "latin1");
    head.writeUInt32BE(24 + note.length, 4);
    head.writeUInt32BE(options.size ?? data.length, 8);
    head.writeUInt32BE(encoding, 12);
    head.writeUInt32BE(rate, 16);
    head.writeUInt32BE(channels, 20);
    return Buffer.concat([head, note, data]);
}

/** Swaps each group of `width` bytes (little-endian samples to network order). */
export function swapEach(data: Buffer, width: number): Buffer {
    const out = Buffer.alloc(data.length - (data.length % width));
    for (let i = 0; i + width <= data.length; i += width) for (let k = 0; k < width; k++) out[i + k] = data[i + width - 1 - k];
    return out;
}

// ---- ffmpeg ----

export function ffmpegPath(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const p: string = require("@ffmpeg-installer/ffmpeg").path;
    try {
        fs.accessSync(p, fs.constants.X_OK);
    } catch {
        fs.chmodSync(p, 0o755);
    }
    return p;
}

export function ffmpeg(args: string[]): string {
    return execFileSync(ffmpegPath(), ["-hide_banner", "-nostdin", "-loglevel", "error", ...args], { encoding: "latin1", maxBuffer: 64 << 20 });
}

export function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "ringcast-protocol-"));
}

/** Encodes `seconds` of a two-tone signal with ffmpeg into `file`; `codecArgs` pick the codec, rate and channels. */
export function encode(file: string, seconds: number, rate: number, channels: number, codecArgs: string[]): Buffer {
    ffmpeg([
        "-y", "-f", "lavfi", "-i", `aevalsrc=0.4*sin(2*PI*440*t)+0.2*sin(2*PI*1234*t):s=${rate}:d=${seconds}`,
        "-ac", String(channels), "-ar", String(rate), ...codecArgs, file,
    ]);
    return fs.readFileSync(file);
}

export interface FfmpegPackets {
    sizes: number[];
    /** Sum of packet durations in seconds, from ffmpeg's own time base. */
    seconds: number;
}

/** The packets ffmpeg's demuxer finds in a file (framecrc: one line per packet, sizes and durations). */
export function ffmpegPackets(file: string): FfmpegPackets {
    const text = ffmpeg(["-i", file, "-map", "0:a", "-c", "copy", "-f", "framecrc", "-"]);
    let tb = 0;
    const sizes: number[] = [];
    let ticks = 0;
    for (const line of text.split("\n")) {
        const m = /^#tb 0: (\d+)\/(\d+)/.exec(line);
        if (m) tb = Number(m[1]) / Number(m[2]);
        if (line.startsWith("#") || line.trim() === "") continue;
        const f = line.split(",").map(s => s.trim());
        ticks += Number(f[3]);
        sizes.push(Number(f[4]));
    }
    return { sizes, seconds: ticks * tb };
}

/** The audio packets ffmpeg's demuxer finds, concatenated (no tags, no Xing frame): a raw elementary stream. */
export function ffmpegElementaryStream(file: string, out: string): Buffer {
    ffmpeg(["-y", "-i", file, "-map", "0:a", "-c", "copy", "-f", "data", out]);
    return fs.readFileSync(out);
}

// ---- the board ----

export interface MediaView {
    container: string;
    encoding: string;
    payloadType: number;
    clockRate: number;
    sampleRate: number;
    channels: number;
    frameBytes: number;
    dataOffset: number;
    dataLength: number;
    swapWidth: number;
    bitsPerSecond: number;
    durationUs: number;
    signed8?: boolean;
    mpeg?: { version: number; layer: number; samplesPerFrame: number; bitrate: number; vbr: boolean; frames: number; toc?: number[] };
}

export interface Described {
    media?: MediaView;
    reason?: string;
    calls: number;
}

export function describeOn(board: HostBoard, name: string): Described {
    return board.evaluate<Described>(`require("test.fixtures.protocol-files").describe(${JSON.stringify(name)})`);
}

export interface PacketRun {
    media?: MediaView;
    reason?: string;
    payloads: Buffer[];
    ticks: number[];
    reads: number;
    maxPerRead: number;
    maxPacketsPerRead: number;
    pieceLength: number;
    piecesPerRead: number;
    packetBytes: number;
    packetTicks: number;
    startOffset: number;
    startTicks: number;
}

export function packetizeOn(board: HostBoard, name: string, bufferBytes: number, fromTicks?: number, maxPackets?: number): PacketRun {
    const args = [JSON.stringify(name), bufferBytes, fromTicks ?? "nil", maxPackets ?? "nil"].join(", ");
    const r = board.evaluate<Omit<PacketRun, "payloads"> & { payloads?: string[]; ticks?: number[] }>(`require("test.fixtures.protocol-files").packetizeAll(${args})`);
    // An empty Lua table serialises as an object: normalise.
    const payloads = Array.isArray(r.payloads) ? r.payloads.map(s => Buffer.from(s, "latin1")) : [];
    const ticks = Array.isArray(r.ticks) ? r.ticks : [];
    return { ...r, payloads, ticks } as PacketRun;
}

/** Lua long-bracket-free hex literal for passing bytes into a fixture. */
export function hex(b: Buffer): string {
    return JSON.stringify(b.toString("hex"));
}
