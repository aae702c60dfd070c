// MPEG audio packets per RFC 2250: whole frames up to 1400 bytes behind the 4-byte header, larger frames fragmented.
import { be16 } from "./bytes";
import { MediaInfo, MpegInfo, Packetizer } from "./media";
import { frameLengthTable, MAX_FRAME_BYTES, streamFrameLength } from "./mp3";

/** Largest RTP payload, RFC 2250 header included. */
export const MPA_MAX_PAYLOAD = 1400;
const HEADER_BYTES = 4;
const ROOM = MPA_MAX_PAYLOAD - HEADER_BYTES;
const MPA_CLOCK = 90000;
const ZERO_HEADER = string.char(0, 0, 0, 0);
const ZERO_MBZ = string.char(0, 0);
const BYTE_FF = string.char(255);
/** Bytes before a computed CBR seek offset where the frame search starts (padding makes the estimate off by one). */
const SEEK_MARGIN = 2;

const floor = math.floor;
const ssub = string.sub;
const sfind = string.find;

/**
 * Reads are one piece of `bufferBytes`, handed over in file order from the last reset (or the data start). A frame cut
 * by the end of a read is kept and completed by the next one; a frame cut by the end of the audio data is dropped.
 * Bytes that are not a frame of this stream (junk, a tag) are skipped up to the next confirmed header.
 * Timestamps: samples are counted modulo the sample rate, so 90 kHz ticks never drift (44.1 kHz frames last
 * 2351.02 ticks: packets alternate exactly as the true sampling instants do).
 */
export class MpaPacketizer implements Packetizer {
    readonly pieceLength: number;
    readonly piecesPerRead = 1;
    readonly maxPacketsPerRead: number;
    readonly packetBytes: number;
    readonly packetTicks: number;
    private readonly mpeg: MpegInfo;
    private readonly lengths: number[];
    private readonly padUnit: number;
    private readonly dataEnd: number;
    private readonly avgFrameBytes: number;
    private pos: number;
    private carry = "";
    /** After a seek or junk: a header only counts when the next header confirms it. */
    private hunting = false;
    /** Samples of the stream so far, modulo the sample rate. */
    private rem = 0;
    private seekOffset = -1;
    private seekRem = 0;

    constructor(readonly media: MediaInfo, bufferBytes: number) {
        const mpeg = media.mpeg!;
        this.mpeg = mpeg;
        this.lengths = frameLengthTable(mpeg.version, mpeg.layer, media.sampleRate);
        this.padUnit = mpeg.layer === 1 ? 4 : 1;
        this.dataEnd = media.dataOffset + media.dataLength;
        this.pos = media.dataOffset;
        this.pieceLength = bufferBytes;
        this.avgFrameBytes = (mpeg.samplesPerFrame / 8) * (media.bitsPerSecond / media.sampleRate);
        let frames = floor(ROOM / this.avgFrameBytes);
        if (frames < 1) frames = 1;
        this.packetBytes = HEADER_BYTES + floor(frames * this.avgFrameBytes);
        this.packetTicks = floor((frames * mpeg.samplesPerFrame * MPA_CLOCK) / media.sampleRate);
        // Two packets in a row always carry more than ROOM bytes of frames, unless one is a fragment tail.
        this.maxPacketsPerRead = 2 * math.floor((bufferBytes + MAX_FRAME_BYTES + ROOM) / (ROOM + 1)) + 2;
    }

    /** 90 kHz ticks lasted by `frames` more frames, counting samples exactly. */
    private ticksFor(frames: number): number {
        const r0 = this.rem;
        const r1 = r0 + frames * this.mpeg.samplesPerFrame;
        const sr = this.media.sampleRate;
        this.rem = r1 % sr;
        return floor((r1 * MPA_CLOCK) / sr) - floor((r0 * MPA_CLOCK) / sr);
    }

    /**
     * Frame-aligned seek: the frame k holding `ticks`, and where to start reading for it. CBR (including files with an
     * Info header): k times the mean frame size, a couple of bytes early; the padding pattern moves frames by at most
     * one byte, and the frame search after reset() finds the header, so the result is exact. VBR with a Xing table:
     * interpolated from the table (approximate: a frame start near k). VBR without one: in proportion of bytes to
     * frames. Returns the offset and frame k's first tick.
     */
    offsetForTicks(ticks: number): LuaMultiReturn<[number, number]> {
        const m = this.media;
        const mpeg = this.mpeg;
        const spf = mpeg.samplesPerFrame;
        const sr = m.sampleRate;
        const total = mpeg.frames > 0 ? mpeg.frames : floor(m.dataLength / this.avgFrameBytes);
        // The last frame whose first tick, floor(k * spf * 90000 / sr), is at or before `ticks`.
        let k = floor(((floor(ticks) + 1) * sr - 1) / (MPA_CLOCK * spf));
        if (k < 0) k = 0;
        if (k > total) k = total;
        let offset: number;
        if (k === 0) offset = m.dataOffset;
        else if (k >= total) offset = this.dataEnd;
        else if (!mpeg.vbr) {
            // CBR (no header, or an Info header): the mean frame size, less a margin for the padding pattern.
            offset = m.dataOffset + floor((k * spf * mpeg.bitrate) / (8 * sr)) - SEEK_MARGIN;
        } else if (mpeg.toc !== undefined && mpeg.frames > 0) {
            const pct = (k * 100) / mpeg.frames;
            const i = floor(pct);
            const fa = mpeg.toc[i];
            const fb = i < 99 ? mpeg.toc[i + 1] : 256;
            offset = mpeg.tocOffset + floor(((fa + (fb - fa) * (pct - i)) * mpeg.tocBytes) / 256);
        } else {
            // VBR without a table (VBRI): in proportion of bytes to frames.
            offset = m.dataOffset + floor((k * m.dataLength) / total);
        }
        if (offset < m.dataOffset) offset = m.dataOffset;
        if (offset > this.dataEnd) offset = this.dataEnd;
        this.seekOffset = offset;
        this.seekRem = (k * spf) % sr;
        return $multi(offset, floor((k * spf * MPA_CLOCK) / sr));
    }

    reset(offset: number): void {
        this.pos = offset;
        this.carry = "";
        this.hunting = offset !== this.media.dataOffset;
        this.rem = offset === this.seekOffset ? this.seekRem : 0;
    }

    /** Emits the packet of `frames` whole frames: `head` (a frame completed from the last read) then s[ps..pe-1]. */
    private flush(s: string, head: string, ps: number, pe: number, frames: number, payloads: string[], ticks: number[], n: number): number {
        if (frames === 0) return n;
        payloads[n] = head === "" ? ZERO_HEADER + ssub(s, ps, pe - 1) : ZERO_HEADER + head + ssub(s, ps, pe - 1);
        ticks[n] = this.ticksFor(frames);
        return n + 1;
    }

    /** Emits one frame larger than a packet as RFC 2250 fragments (Frag_offset set); only the last lasts the frame's ticks. */
    private fragment(s: string, at: number, length: number, payloads: string[], ticks: number[], n: number): number {
        let k = 0;
        while (k < length) {
            const part = length - k < ROOM ? length - k : ROOM;
            payloads[n] = ZERO_MBZ + be16(k) + ssub(s, at + k, at + k + part - 1);
            ticks[n] = k + part >= length ? this.ticksFor(1) : 0;
            n++;
            k += part;
        }
        return n;
    }

    packetize(pieces: string[], pieceCount: number, payloads: string[], ticks: number[]): number {
        let n = 0;
        for (let i = 0; i < pieceCount; i++) n = this.chunk(pieces[i], payloads, ticks, n);
        return n;
    }

    private chunk(s: string, payloads: string[], ticks: number[], n: number): number {
        const start = this.pos;
        this.pos = start + s.length;
        let len = s.length;
        if (start + len > this.dataEnd) len = this.dataEnd > start ? this.dataEnd - start : 0;
        const atEnd = start + len >= this.dataEnd;
        const mpeg = this.mpeg;
        const fixed2 = mpeg.fixed2;
        const fixed3 = mpeg.fixed3;
        const lengths = this.lengths;
        const padUnit = this.padUnit;
        let head = "";
        let frames = 0;
        let i = 1;
        // A frame begun in the previous read.
        const carry = this.carry;
        if (carry !== "") {
            this.carry = "";
            const hdr = carry.length >= 4 ? carry : carry + ssub(s, 1, 4 - carry.length);
            const flen = hdr.length >= 4 ? streamFrameLength(hdr, 1, fixed2, fixed3, lengths, padUnit) : 0;
            if (hdr.length < 4 || (flen > 0 && flen - carry.length > len)) {
                // Still not whole: keep gathering, unless the data ends here.
                if (!atEnd) this.carry = carry + ssub(s, 1, len);
                return n;
            }
            if (flen > 0) {
                const need = flen - carry.length;
                head = carry + ssub(s, 1, need);
                i = need + 1;
                if (flen > ROOM) {
                    n = this.fragment(head, 1, flen, payloads, ticks, n);
                    head = "";
                } else frames = 1;
            } else this.hunting = true;
        }
        let ps = i;
        let pe = i;
        while (i + 3 <= len) {
            let flen = streamFrameLength(s, i, fixed2, fixed3, lengths, padUnit);
            if (flen > 0 && this.hunting) {
                const next = i + flen;
                if (next + 3 <= len && streamFrameLength(s, next, fixed2, fixed3, lengths, padUnit) === 0) flen = 0;
            }
            if (flen === 0) {
                // Not a frame of this stream: send what came before, then skip to the next candidate header.
                n = this.flush(s, head, ps, pe, frames, payloads, ticks, n);
                head = "";
                frames = 0;
                this.hunting = true;
                const [j] = sfind(s, BYTE_FF, i + 1, true);
                i = j === undefined || j > len ? len + 1 : j;
                ps = i;
                pe = i;
                continue;
            }
            this.hunting = false;
            if (i + flen - 1 > len) break;
            if (frames > 0 && head.length + (pe - ps) + flen > ROOM) {
                n = this.flush(s, head, ps, pe, frames, payloads, ticks, n);
                head = "";
                frames = 0;
                ps = i;
            }
            if (flen > ROOM) {
                n = this.fragment(s, i, flen, payloads, ticks, n);
                i += flen;
                ps = i;
                pe = i;
                continue;
            }
            i += flen;
            pe = i;
            frames++;
        }
        n = this.flush(s, head, ps, pe, frames, payloads, ticks, n);
        if (!atEnd && i <= len) this.carry = ssub(s, i, len);
        return n;
    }
}
