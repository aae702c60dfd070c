// PCM and G.711 packets: whole sample frames, about 20 ms and at most 1400 bytes, byte order fixed by one gsub each.
import { MediaInfo, Packetizer } from "./media";

/** Largest payload of a PCM packet (an Ethernet MTU leaves 1472 bytes of UDP payload; RTP takes 12). */
export const PCM_MAX_PAYLOAD = 1400;
/** Nominal packet duration: 1/50 s (RFC 3551 §4.2 default of 20 ms). */
const PACKETS_PER_SECOND = 50;

const floor = math.floor;
const gsub = string.gsub;
const ssub = string.sub;
const spack = string.pack;
const sunpack = string.unpack;

let offset128: LuaTable<string, string> | undefined;

/** Maps every byte b to b + 128 (mod 256): signed 8-bit samples to RFC 3551 L8. Built once, on first use. */
function offsetTable(): LuaTable<string, string> {
    if (offset128 === undefined) {
        const t = new LuaTable<string, string>();
        for (let b = 0; b < 256; b++) t.set(string.char(b), string.char((b + 128) % 256));
        offset128 = t;
    }
    return offset128;
}

/** Sample frames per packet: 20 ms of audio, fewer if that exceeds PCM_MAX_PAYLOAD, at least one. */
export function pcmFramesPerPacket(sampleRate: number, frameBytes: number): number {
    let frames = floor(sampleRate / PACKETS_PER_SECOND);
    const fit = floor(PCM_MAX_PAYLOAD / frameBytes);
    if (fit < frames) frames = fit;
    return frames < 1 ? 1 : frames;
}

/**
 * One storage piece per packet. Reads must be handed over in file order from the last reset (or the data start);
 * bytes past the audio data and a cut-off last sample frame are dropped.
 */
export class PcmPacketizer implements Packetizer {
    readonly pieceLength: number;
    readonly piecesPerRead: number;
    readonly maxPacketsPerRead: number;
    readonly packetBytes: number;
    readonly packetTicks: number;
    private readonly frameBytes: number;
    private readonly dataEnd: number;
    private readonly swap: number;
    private readonly table?: LuaTable<string, string>;
    /** Lua 5.3: formats that read a full piece's samples little-endian and write them big-endian (6x faster than gsub). */
    private readonly fromLe?: string;
    private readonly toBe?: string;
    private pos: number;

    constructor(readonly media: MediaInfo, bufferBytes: number) {
        this.frameBytes = media.frameBytes;
        const frames = pcmFramesPerPacket(media.sampleRate, media.frameBytes);
        this.packetBytes = frames * media.frameBytes;
        this.packetTicks = frames;
        this.pieceLength = this.packetBytes;
        const pieces = floor(bufferBytes / this.packetBytes);
        this.piecesPerRead = pieces < 1 ? 1 : pieces;
        this.maxPacketsPerRead = this.piecesPerRead;
        this.dataEnd = media.dataOffset + media.dataLength;
        this.swap = media.swapWidth;
        if (media.signed8 === true) this.table = offsetTable();
        if (spack !== undefined && (this.swap === 2 || this.swap === 3)) {
            const item = this.swap === 2 ? "i2" : "i3";
            const samples = floor(this.packetBytes / this.swap);
            this.fromLe = "<" + string.rep(item, samples);
            this.toBe = ">" + string.rep(item, samples);
        }
        this.pos = media.dataOffset;
    }

    offsetForTicks(ticks: number): LuaMultiReturn<[number, number]> {
        const total = floor(this.media.dataLength / this.frameBytes);
        let frame = floor(ticks);
        if (frame < 0) frame = 0;
        if (frame > total) frame = total;
        return $multi(this.media.dataOffset + frame * this.frameBytes, frame);
    }

    reset(offset: number): void {
        this.pos = offset;
    }

    packetize(pieces: string[], pieceCount: number, payloads: string[], ticks: number[]): number {
        let n = 0;
        for (let i = 0; i < pieceCount; i++) {
            let piece = pieces[i];
            const start = this.pos;
            this.pos = start + piece.length;
            let len = piece.length;
            if (start + len > this.dataEnd) len = this.dataEnd > start ? this.dataEnd - start : 0;
            len -= len % this.frameBytes;
            if (len <= 0) continue;
            if (len < piece.length) piece = ssub(piece, 1, len);
            if (this.toBe !== undefined && len === this.packetBytes) piece = spack!(this.toBe, ...sunpack!(this.fromLe!, piece));
            else if (this.swap === 2) [piece] = gsub(piece, "(.)(.)", "%2%1");
            else if (this.swap === 3) [piece] = gsub(piece, "(.)(.)(.)", "%3%2%1");
            else if (this.table !== undefined) [piece] = gsub(piece, ".", this.table);
            payloads[n] = piece;
            ticks[n] = floor(len / this.frameBytes);
            n++;
        }
        return n;
    }
}
