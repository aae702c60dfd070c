// Reassembles one received stream's payload into a WAV file (wavefile) or raw MPEG audio frames.

import { promises as fs } from "node:fs";
import { WaveFile } from "wavefile";
import { bytesPerSample, type Codec } from "./payload";

/**
 * Output rules:
 * - L16 (big-endian on the wire) becomes 16-bit little-endian PCM WAV; L24 becomes 24-bit; L8 (offset 128, RFC 3551
 *   §4.5.9) is stored as-is as 8-bit unsigned WAV.
 * - PCMU and PCMA are stored undecoded as G.711 WAV (format tag 7 = mu-law, 6 = A-law), byte for byte as received.
 * - Packets are placed in sequence order, duplicates dropped; a timestamp gap (lost packets) is filled with
 *   silence, up to MAX_GAP_SECONDS per gap, so the file keeps the sender's timeline.
 * - MPA (RFC 2250): the 4-byte payload header is stripped and the frames are written in sequence order as a raw
 *   .mp3/.mp2 stream; a fragment whose preceding fragment was lost is dropped. No silence is inserted.
 */
export const MAX_GAP_SECONDS = 10;

export interface AudioOutputInfo {
  path: string;
  container: "wav" | "mpeg";
  encoding: string;
  sampleRate: number | null;
  channels: number | null;
  /** Sample frames written (WAV only), including inserted silence. */
  frames: number | null;
  silenceFrames: number | null;
  bytes: number;
  packets: number;
}

interface Chunk {
  segment: number;
  extSeq: number;
  extTs: number;
  payload: Buffer;
}

const SILENCE: Record<string, number> = { L8: 0x80, PCMU: 0xff, PCMA: 0xd5 };

/** True when the probe can write this encoding. */
export function canRecord(codec: Codec | null): boolean {
  if (!codec) return false;
  return bytesPerSample(codec.encoding) !== undefined || codec.encoding === "MPA";
}

export class AudioRecorder {
  private chunks: Chunk[] = [];
  private segment = 0;

  constructor(readonly codec: Codec) {
    if (!canRecord(codec)) throw new Error(`cannot record ${codec.encoding} audio`);
  }

  /** Marks a sequence restart (RFC 3550 A.1 resync): later packets form a new run. */
  restart(): void {
    this.segment++;
  }

  /** Adds one packet's payload (first copy of each sequence number only). */
  add(extSeq: number, extTs: number, payload: Buffer): void {
    this.chunks.push({ segment: this.segment, extSeq, extTs, payload: Buffer.from(payload) });
  }

  get packets(): number {
    return this.chunks.length;
  }

  private ordered(): Chunk[] {
    return [...this.chunks].sort((a, b) => a.segment - b.segment || a.extSeq - b.extSeq);
  }

  /** Interleaved sample bytes in wire format (big-endian for L16/L24), with silence for gaps. */
  assemble(): { data: Buffer; frames: number; silenceFrames: number } {
    const bps = bytesPerSample(this.codec.encoding) as number;
    const frameBytes = bps * this.codec.channels;
    const fill = SILENCE[this.codec.encoding] ?? 0;
    const maxGap = MAX_GAP_SECONDS * this.codec.clockRate;
    const parts: Buffer[] = [];
    let frames = 0;
    let silenceFrames = 0;
    let nextTs: number | null = null;
    let segment = -1;
    for (const c of this.ordered()) {
      if (c.segment !== segment) {
        segment = c.segment;
        nextTs = null;
      }
      let body = c.payload.subarray(0, c.payload.length - (c.payload.length % frameBytes));
      if (nextTs !== null) {
        const gap = c.extTs - nextTs;
        if (gap > 0 && gap <= maxGap) {
          parts.push(Buffer.alloc(gap * frameBytes, fill));
          frames += gap;
          silenceFrames += gap;
        } else if (gap < 0) {
          body = body.subarray(Math.min(body.length, -gap * frameBytes));
        }
      }
      const n = body.length / frameBytes;
      parts.push(body);
      frames += n;
      const end = c.extTs + c.payload.length / frameBytes;
      nextTs = nextTs === null ? end : Math.max(nextTs, end);
    }
    return { data: Buffer.concat(parts), frames, silenceFrames };
  }

  /** Concatenated MPEG audio frames with RFC 2250 headers stripped. */
  assembleMpeg(): Buffer {
    const parts: Buffer[] = [];
    let prev: Chunk | null = null;
    let keptPrev = false;
    for (const c of this.ordered()) {
      if (c.payload.length < 4) continue;
      const fragOffset = c.payload.readUInt16BE(2);
      const contiguous = prev !== null && prev.segment === c.segment && prev.extSeq + 1 === c.extSeq;
      const keep: boolean = fragOffset === 0 || (contiguous && keptPrev);
      if (keep) parts.push(c.payload.subarray(4));
      prev = c;
      keptPrev = keep;
    }
    return Buffer.concat(parts);
  }

  /** Encodes the file contents. */
  render(): { bytes: Uint8Array; container: "wav" | "mpeg"; frames: number | null; silenceFrames: number | null } {
    const { encoding, channels, clockRate } = this.codec;
    if (encoding === "MPA") return { bytes: this.assembleMpeg(), container: "mpeg", frames: null, silenceFrames: null };
    const { data, frames, silenceFrames } = this.assemble();
    const wav = new WaveFile();
    let samples: ArrayLike<number>;
    let depth: string;
    switch (encoding) {
      case "L16": {
        const s = new Int16Array(data.length / 2);
        for (let i = 0; i < s.length; i++) s[i] = data.readInt16BE(i * 2);
        samples = s;
        depth = "16";
        break;
      }
      case "L24": {
        const s = new Int32Array(data.length / 3);
        for (let i = 0; i < s.length; i++) s[i] = data.readIntBE(i * 3, 3);
        samples = s;
        depth = "24";
        break;
      }
      case "PCMU":
        samples = new Uint8Array(data);
        depth = "8m";
        break;
      case "PCMA":
        samples = new Uint8Array(data);
        depth = "8a";
        break;
      default:
        samples = new Uint8Array(data);
        depth = "8";
    }
    wav.fromScratch(channels, clockRate, depth, samples);
    return { bytes: wav.toBuffer(), container: "wav", frames, silenceFrames };
  }

  /**
   * Writes the file. MPEG audio asked for as "*.wav" goes to the same name with ".mp3" instead,
   * since it is not PCM; the path actually written is returned.
   */
  async write(path: string): Promise<AudioOutputInfo> {
    const r = this.render();
    const out = r.container === "mpeg" ? path.replace(/\.wav$/i, ".mp3") : path;
    await fs.writeFile(out, r.bytes);
    return {
      path: out,
      container: r.container,
      encoding: this.codec.encoding,
      sampleRate: r.container === "wav" ? this.codec.clockRate : null,
      channels: r.container === "wav" ? this.codec.channels : null,
      frames: r.frames,
      silenceFrames: r.silenceFrames,
      bytes: r.bytes.length,
      packets: this.chunks.length,
    };
  }
}
