// WAV (RIFF/WAVE) headers: walks the chunks in any order to the fmt and data chunks and maps the format to RTP.
import { u16le, u32le } from "./bytes";
import { checkPcmShape, pcmMedia } from "./pcm-media";
import { ProbeStep, readMore, refuse, WINDOW_BYTES } from "./probe";
import { Encoding, MediaInfo } from "./media";

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_MPEGLAYER3 = 0x55;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** KSDATAFORMAT_SUBTYPE_* GUIDs end with these 14 bytes after the 2-byte format code (built with string.char: TS escapes above 0x7f would be emitted as UTF-8). */
const SUBTYPE_TAIL = string.char(0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71);

/** Where a chunk walk stands between reads. */
export interface WavScan {
    /** File offset of the next chunk header. */
    next: number;
    formatTag: number;
    channels: number;
    sampleRate: number;
    blockAlign: number;
    bits: number;
    haveFormat: boolean;
    dataOffset: number;
    dataLength: number;
    haveData: boolean;
}

export function isWav(head: string): boolean {
    return string.sub(head, 1, 4) === "RIFF" && string.sub(head, 9, 12) === "WAVE";
}

export function newWavScan(): WavScan {
    return { next: 12, formatTag: 0, channels: 0, sampleRate: 0, blockAlign: 0, bits: 0, haveFormat: false, dataOffset: 0, dataLength: 0, haveData: false };
}

function hex4(n: number): string {
    return string.format("0x%04x", n);
}

/** Reads the fmt chunk body at window position p (1-based) of `size` bytes; returns a refusal reason or undefined. */
function readFormat(scan: WavScan, w: string, p: number, size: number): string | undefined {
    if (size < 16) return `fmt chunk of ${size} bytes is too short`;
    let tag = u16le(w, p);
    scan.channels = u16le(w, p + 2);
    scan.sampleRate = u32le(w, p + 4);
    scan.blockAlign = u16le(w, p + 12);
    scan.bits = u16le(w, p + 14);
    if (tag === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40) return `WAVE_FORMAT_EXTENSIBLE fmt chunk of ${size} bytes is too short`;
        const validBits = u16le(w, p + 18);
        if (string.sub(w, p + 26, p + 39) !== SUBTYPE_TAIL) return "WAVE_FORMAT_EXTENSIBLE with an unknown subformat GUID";
        tag = u16le(w, p + 24);
        if (validBits > scan.bits) return `${validBits} valid bits in a ${scan.bits}-bit container`;
    }
    scan.formatTag = tag;
    scan.haveFormat = true;
    return undefined;
}

function toMedia(scan: WavScan): MediaInfo | string {
    const tag = scan.formatTag;
    const bits = scan.bits;
    let encoding: Encoding;
    let swapWidth = 0;
    if (tag === WAVE_FORMAT_PCM) {
        if (bits === 8) encoding = "L8";
        else if (bits === 16) {
            encoding = "L16";
            swapWidth = 2;
        } else if (bits === 24) {
            encoding = "L24";
            swapWidth = 3;
        } else return `${bits}-bit PCM is not supported (8, 16 or 24 bits)`;
    } else if (tag === WAVE_FORMAT_MULAW || tag === WAVE_FORMAT_ALAW) {
        if (bits !== 8) return `${bits}-bit G.711 is not valid (8 bits)`;
        encoding = tag === WAVE_FORMAT_MULAW ? "PCMU" : "PCMA";
    } else if (tag === WAVE_FORMAT_IEEE_FLOAT) {
        return "floating-point WAV is not supported (8, 16 or 24-bit PCM, mu-law or A-law)";
    } else if (tag === WAVE_FORMAT_MPEGLAYER3) {
        return "MP3 inside WAV is not supported";
    } else {
        return `WAV format ${hex4(tag)} is not supported (PCM, mu-law or A-law)`;
    }
    const frameBytes = scan.channels * (bits / 8);
    if (scan.blockAlign !== frameBytes) return `block align ${scan.blockAlign} does not match ${scan.channels} channels of ${bits} bits`;
    const shape = checkPcmShape(scan.sampleRate, scan.channels, frameBytes);
    if (shape !== undefined) return shape;
    if (scan.dataLength < frameBytes) return "the data chunk holds no complete sample";
    return pcmMedia("wav", encoding, scan.sampleRate, scan.channels, frameBytes, scan.dataOffset, scan.dataLength, swapWidth);
}

/**
 * Walks chunks with the bytes at hand: `w` holds the file from offset `wOffset`. Chunks may come in any order; odd
 * sizes are padded to even. A data chunk running past the end of the file is clamped to it; any other chunk doing so
 * is refused. Asks for another read when the next chunk header or the fmt body lies outside the window.
 */
export function wavStep(scan: WavScan, w: string, wOffset: number, fileSize: number): ProbeStep {
    const wEnd = wOffset + w.length;
    while (!(scan.haveFormat && scan.haveData)) {
        const at = scan.next;
        if (at + 8 > fileSize) break;
        if (at < wOffset || at + 8 > wEnd) return readMore(at, WINDOW_BYTES);
        const p = at - wOffset + 1;
        const id = string.sub(w, p, p + 3);
        const size = u32le(w, p + 4);
        const body = at + 8;
        if (id === "data") {
            if (scan.haveData) return refuse("two data chunks");
            scan.haveData = true;
            scan.dataOffset = body;
            scan.dataLength = body + size > fileSize ? fileSize - body : size;
            if (size === 0) return refuse("the data chunk is empty");
            scan.next = body + size + (size % 2);
            continue;
        }
        if (body + size > fileSize) {
            const [name] = string.gsub(id, "[^%w ]", "?");
            return refuse(`chunk '${name}' of ${size} bytes runs past the end of the file`);
        }
        if (id === "fmt ") {
            if (scan.haveFormat) return refuse("two fmt chunks");
            const need = size < 40 ? size : 40;
            if (body + need > wEnd) return readMore(at, WINDOW_BYTES);
            const bad = readFormat(scan, w, p + 8, size);
            if (bad !== undefined) return refuse(bad);
        }
        scan.next = body + size + (size % 2);
    }
    if (!scan.haveFormat) return refuse("no fmt chunk");
    if (!scan.haveData) return refuse("no data chunk");
    const media = toMedia(scan);
    if (type(media) === "string") return refuse(media as string);
    return { media: media as MediaInfo };
}

/** Parses a WAV file from its first bytes (`head`, from offset 0) and its size; a refusal if head is not enough. */
export function parseWav(head: string, fileSize: number): LuaMultiReturn<[MediaInfo | undefined, string | undefined]> {
    if (!isWav(head)) return $multi(undefined, "not a RIFF/WAVE file");
    const step = wavStep(newWavScan(), head, 0, fileSize);
    if (step.readAt !== undefined) return $multi(undefined, `the WAV header continues past byte ${step.readAt}`);
    return $multi(step.media, step.reason);
}
