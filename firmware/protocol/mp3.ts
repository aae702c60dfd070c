// MPEG audio files: frame headers (MPEG-1/2/2.5, layers I-III), ID3v2/ID3v1/APEv2 tags, Xing/Info/VBRI headers.
import { u32be, u32le } from "./bytes";
import { MediaInfo, MpegInfo } from "./media";
import { ProbeStep, readMore, refuse } from "./probe";

const sbyte = string.byte;
const floor = math.floor;
const BYTE_FF = string.char(255);

/** Bit rates in kbit/s by bit-rate index; rows: V1 L1, V1 L2, V1 L3, V2/2.5 L1, V2/2.5 L2-L3. Index 0 (free format) and 15 are unusable. */
const BITRATES: number[][] = [
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 0],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 0],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 0],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0],
];
const MPEG1_RATES = [44100, 48000, 32000];

/** Bytes needed to confirm a frame sync by the headers that follow it. */
export const SYNC_WINDOW_BYTES = 8192;
/** Largest frame any header can describe (MPEG-1 layer II at 384 kbit/s and 32 kHz, padded, is 1729; layer I 1684). */
export const MAX_FRAME_BYTES = 2881;

export interface MpegHeader {
    version: number;
    layer: number;
    bitrate: number;
    bitrateIndex: number;
    sampleRate: number;
    sampleRateIndex: number;
    padding: number;
    channels: number;
    samplesPerFrame: number;
    length: number;
    fixed2: number;
}

function bitrateRow(version: number, layer: number): number {
    if (version === 1) return layer - 1;
    return layer === 1 ? 3 : 4;
}

/** Samples per frame: 384 for layer I, 1152 for layer II and MPEG-1 layer III, 576 for MPEG-2/2.5 layer III. */
export function samplesPerFrame(version: number, layer: number): number {
    if (layer === 1) return 384;
    if (layer === 3 && version !== 1) return 576;
    return 1152;
}

/** Frame length in bytes for a bit rate (bit/s), sample rate and padding bit. */
export function frameLength(version: number, layer: number, bitrate: number, sampleRate: number, padding: number): number {
    if (layer === 1) return (floor((12 * bitrate) / sampleRate) + padding) * 4;
    return floor(((samplesPerFrame(version, layer) / 8) * bitrate) / sampleRate) + padding;
}

/** Decodes the 4-byte frame header at position i (1-based) of s, or undefined if it is not a usable header. */
export function parseMpegHeader(s: string, i: number): MpegHeader | undefined {
    if (i + 3 > s.length) return undefined;
    const [b1, b2, b3, b4] = sbyte(s, i, i + 3);
    if (b1 !== 255 || b2 < 224) return undefined;
    const versionBits = floor(b2 / 8) % 4;
    const layerBits = floor(b2 / 2) % 4;
    if (versionBits === 1 || layerBits === 0) return undefined;
    const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
    const layer = 4 - layerBits;
    const bitrateIndex = floor(b3 / 16);
    const sampleRateIndex = floor(b3 / 4) % 4;
    if (bitrateIndex === 0 || bitrateIndex === 15 || sampleRateIndex === 3) return undefined;
    const bitrate = BITRATES[bitrateRow(version, layer)][bitrateIndex] * 1000;
    const sampleRate = MPEG1_RATES[sampleRateIndex] / (version === 1 ? 1 : version === 2 ? 2 : 4);
    const padding = floor(b3 / 2) % 2;
    return {
        version,
        layer,
        bitrate,
        bitrateIndex,
        sampleRate,
        sampleRateIndex,
        padding,
        channels: floor(b4 / 64) === 3 ? 1 : 2,
        samplesPerFrame: samplesPerFrame(version, layer),
        length: frameLength(version, layer, bitrate, sampleRate, padding),
        fixed2: b2 - (b2 % 2),
    };
}

/**
 * Frame lengths of one stream by bit-rate index (1-based table, index+1), unpadded, for the hot path: a frame's
 * length is then table[index] + padding * padUnit.
 */
export function frameLengthTable(version: number, layer: number, sampleRate: number): number[] {
    const row = BITRATES[bitrateRow(version, layer)];
    const out: number[] = [];
    for (let k = 0; k < 16; k++) out.push(row[k] === 0 ? 0 : frameLength(version, layer, row[k] * 1000, sampleRate, 0));
    return out;
}

/**
 * Length of the frame at position i if its header belongs to the stream (same version, layer and sample rate as
 * fixed2/fixed3), else 0. No allocation. The caller checks that 4 bytes exist at i.
 */
export function streamFrameLength(s: string, i: number, fixed2: number, fixed3: number, lengths: number[], padUnit: number): number {
    const [b1, b2, b3] = sbyte(s, i, i + 2);
    if (b1 !== 255 || b2 - (b2 % 2) !== fixed2 || floor(b3 / 4) % 4 !== fixed3) return 0;
    const len = lengths[floor(b3 / 16)];
    if (len === 0) return 0;
    return len + (floor(b3 / 2) % 2) * padUnit;
}

/** The first bytes of a file look like MPEG audio: an ID3v2 tag or a frame header. */
export function looksLikeMpeg(head: string): boolean {
    return string.sub(head, 1, 3) === "ID3" || parseMpegHeader(head, 1) !== undefined;
}

/** Where recognising an MP3 stands between reads. */
export interface Mp3Scan {
    stage: number;
    /** File offset where the next tag or frame is looked for. */
    from: number;
    /** Whether bytes that are neither tag nor frame may be skipped while looking for the first frame. */
    allowJunk: boolean;
    header?: MpegHeader;
    first: number;
    audioStart: number;
    audioEnd: number;
    vbr: boolean;
    frames: number;
    xingBytes: number;
    toc?: number[];
    /** Bit rate of the first audio frame (after a Xing/Info/VBRI frame). */
    bitrate: number;
}

const STAGE_TAGS = 0;
const STAGE_SYNC = 1;
const STAGE_TRAILER = 2;

export function newMp3Scan(allowJunk: boolean): Mp3Scan {
    return { stage: STAGE_TAGS, from: 0, allowJunk, first: 0, audioStart: 0, audioEnd: 0, vbr: false, frames: 0, xingBytes: 0, bitrate: 0 };
}

/** Size of an ID3v2 tag at window position p (header, body and footer), or -1 if its header is malformed. */
function id3v2Size(w: string, p: number): number {
    const [major, , flags, s1, s2, s3, s4] = sbyte(w, p + 3, p + 9);
    if (major === 255 || s1 >= 128 || s2 >= 128 || s3 >= 128 || s4 >= 128) return -1;
    const body = ((s1 * 128 + s2) * 128 + s3) * 128 + s4;
    const footer = major >= 4 && floor(flags / 16) % 2 === 1 ? 10 : 0;
    return 10 + body + footer;
}

/**
 * Confirms a frame at window position p by the headers that follow: three in a row, or a chain ending exactly at
 * the end of the file. Returns 1 confirmed, 0 not a frame, -1 the window is too short to tell.
 */
function confirm(w: string, p: number, wOffset: number, fileSize: number, h: MpegHeader): number {
    const lengths = frameLengthTable(h.version, h.layer, h.sampleRate);
    const padUnit = h.layer === 1 ? 4 : 1;
    const fixed3 = h.sampleRateIndex;
    let at = p + h.length;
    let count = 1;
    while (count < 3) {
        const fileAt = wOffset + at - 1;
        if (fileAt === fileSize) return 1;
        if (fileAt > fileSize) return count >= 2 ? 1 : 0;
        if (at + 3 > w.length) return fileAt + 4 > fileSize ? (count >= 2 ? 1 : 0) : -1;
        const len = streamFrameLength(w, at, h.fixed2, fixed3, lengths, padUnit);
        if (len === 0) return 0;
        count++;
        at += len;
    }
    return 1;
}

/** Reads a Xing/Info or VBRI header inside the first frame (window position p, whole frame in the window). */
function readVbrHeader(scan: Mp3Scan, w: string, p: number, h: MpegHeader): boolean {
    if (h.layer !== 3) return false;
    const side = h.version === 1 ? (h.channels === 1 ? 17 : 32) : h.channels === 1 ? 9 : 17;
    const x = p + 4 + side;
    const tag = string.sub(w, x, x + 3);
    if ((tag === "Xing" || tag === "Info") && x + 8 <= p + h.length) {
        scan.vbr = tag === "Xing";
        const flags = u32be(w, x + 4);
        let q = x + 8;
        if (flags % 2 === 1) {
            scan.frames = u32be(w, q);
            q += 4;
        }
        if (floor(flags / 2) % 2 === 1) {
            scan.xingBytes = u32be(w, q);
            q += 4;
        }
        if (floor(flags / 4) % 2 === 1 && q + 99 < p + h.length) {
            const toc: number[] = [];
            for (let k = 0; k < 100; k++) toc.push(sbyte(w, q + k));
            scan.toc = toc;
        }
        return true;
    }
    const v = p + 36;
    if (string.sub(w, v, v + 3) === "VBRI" && v + 18 <= p + h.length) {
        scan.vbr = true;
        scan.xingBytes = u32be(w, v + 10);
        scan.frames = u32be(w, v + 14);
        return true;
    }
    return false;
}

/** Trailing ID3v1 ("TAG", 128 bytes) and APEv2 tags shorten the audio; `w` holds the file's last bytes from wOffset. */
function trimTrailer(scan: Mp3Scan, w: string, wOffset: number, fileSize: number): void {
    let end = fileSize;
    const tagAt = fileSize - 128;
    if (tagAt >= wOffset && tagAt >= scan.audioStart && string.sub(w, tagAt - wOffset + 1, tagAt - wOffset + 3) === "TAG") end = tagAt;
    const apeAt = end - 32;
    if (apeAt >= wOffset && apeAt >= scan.audioStart && string.sub(w, apeAt - wOffset + 1, apeAt - wOffset + 8) === "APETAGEX") {
        const size = u32le(w, apeAt - wOffset + 13);
        const flags = u32le(w, apeAt - wOffset + 21);
        const start = end - size - (flags >= 2147483648 ? 32 : 0);
        if (start >= scan.audioStart) end = start;
    }
    scan.audioEnd = end;
}

function toMedia(scan: Mp3Scan): MediaInfo | string {
    const h = scan.header!;
    const length = scan.audioEnd - scan.audioStart;
    if (length <= 0) return "no audio frames after the VBR header";
    const spf = h.samplesPerFrame;
    let durationUs: number;
    let bitsPerSecond: number;
    if (scan.frames > 0) {
        durationUs = floor((scan.frames * spf * 1000000) / h.sampleRate);
        bitsPerSecond = scan.vbr ? floor((length * 8 * h.sampleRate) / (scan.frames * spf)) : scan.bitrate;
    } else {
        durationUs = floor((length * 8000000) / scan.bitrate);
        bitsPerSecond = scan.bitrate;
    }
    const mpeg: MpegInfo = {
        version: h.version,
        layer: h.layer,
        samplesPerFrame: spf,
        bitrate: scan.bitrate,
        vbr: scan.vbr,
        frames: scan.frames,
        toc: scan.toc,
        tocOffset: scan.first,
        tocBytes: scan.xingBytes > 0 ? scan.xingBytes : scan.audioEnd - scan.first,
        fixed2: h.fixed2,
        fixed3: h.sampleRateIndex,
    };
    return {
        container: "mp3",
        encoding: "MPA",
        payloadType: 14,
        clockRate: 90000,
        sampleRate: h.sampleRate,
        channels: h.channels,
        frameBytes: 0,
        dataOffset: scan.audioStart,
        dataLength: length,
        swapWidth: 0,
        bitsPerSecond,
        durationUs,
        mpeg,
    };
}

/**
 * One step of recognising an MPEG audio file with the bytes at hand (`w` = the file from `wOffset`): skips ID3v2
 * tags, finds the first frame confirmed by the next headers, reads a Xing/Info/VBRI header (that frame is metadata,
 * not audio: the audio starts after it, as demuxers do), then trims trailing tags.
 */
export function mp3Step(scan: Mp3Scan, w: string, wOffset: number, fileSize: number): ProbeStep {
    const wEnd = wOffset + w.length;
    if (scan.stage === STAGE_TAGS) {
        for (;;) {
            const at = scan.from;
            if (at >= fileSize) return refuse("an ID3 tag and no audio");
            if (at < wOffset || (at + 10 > wEnd && wEnd < fileSize)) return readMore(at, SYNC_WINDOW_BYTES);
            const p = at - wOffset + 1;
            if (string.sub(w, p, p + 2) !== "ID3") break;
            if (p + 9 > w.length) return refuse("the ID3v2 tag is cut short");
            const size = id3v2Size(w, p);
            if (size < 0) return refuse("malformed ID3v2 tag header");
            scan.from = at + size;
            scan.allowJunk = true;
        }
        scan.stage = STAGE_SYNC;
    }
    if (scan.stage === STAGE_SYNC) {
        const from = scan.from;
        if (from < wOffset || (from + 4 > wEnd && wEnd < fileSize)) return readMore(from, SYNC_WINDOW_BYTES);
        const last = scan.allowJunk ? w.length - 3 : from - wOffset + 1;
        let p = from - wOffset + 1;
        let found: MpegHeader | undefined;
        while (p <= last) {
            const h = parseMpegHeader(w, p);
            if (h !== undefined) {
                const c = confirm(w, p, wOffset, fileSize, h);
                if (c === -1 && (p > 1 || w.length < SYNC_WINDOW_BYTES)) {
                    // Look again with a full window starting at the candidate (the bytes before it are not audio).
                    scan.from = wOffset + p - 1;
                    return readMore(scan.from, SYNC_WINDOW_BYTES);
                }
                if (c !== 0) {
                    found = h;
                    break;
                }
            }
            if (!scan.allowJunk) break;
            const [nextFF] = string.find(w, BYTE_FF, p + 1, true);
            if (nextFF === undefined) break;
            p = nextFF;
        }
        if (found === undefined) return refuse(scan.allowJunk ? "no MPEG audio frames found" : "not a recognised audio file (WAV, AU or MP3)");
        const first = wOffset + p - 1;
        if (p + found.length - 1 > w.length && first + found.length <= fileSize) return readMore(first, SYNC_WINDOW_BYTES);
        scan.header = found;
        scan.first = first;
        scan.bitrate = found.bitrate;
        if (readVbrHeader(scan, w, p, found)) {
            // The tag frame's own bit rate may differ from the audio's (a small 8 kHz stream needs a bigger tag frame).
            scan.audioStart = first + found.length;
            const audio = parseMpegHeader(w, p + found.length);
            if (audio !== undefined) scan.bitrate = audio.bitrate;
        } else scan.audioStart = first;
        scan.audioEnd = fileSize;
        scan.stage = STAGE_TRAILER;
    }
    // Trailing tags: look at the last 160 bytes (ID3v1 and an APEv2 footer before it).
    const tailFrom = fileSize - 160 > scan.audioStart ? fileSize - 160 : scan.audioStart;
    if (fileSize - scan.audioStart >= 128 + 4) {
        if (tailFrom < wOffset || wEnd < fileSize) return readMore(tailFrom, fileSize - tailFrom);
        trimTrailer(scan, w, wOffset, fileSize);
    }
    const media = toMedia(scan);
    if (type(media) === "string") return refuse(media as string);
    return { media: media as MediaInfo };
}

/** Parses an MP3 whose tags and first frames lie within `head` (the file from offset 0), or refuses. */
export function parseMp3(head: string, fileSize: number, allowJunk: boolean): LuaMultiReturn<[MediaInfo | undefined, string | undefined]> {
    const scan = newMp3Scan(allowJunk);
    const step = mp3Step(scan, head, 0, fileSize);
    if (step.readAt !== undefined) return $multi(undefined, `the MP3 header continues past byte ${step.readAt}`);
    return $multi(step.media, step.reason);
}
