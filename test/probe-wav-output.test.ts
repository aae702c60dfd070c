// Audio output: L16/L24/L8 to PCM WAV, G.711 kept as format 6/7 WAV, MPA as raw frames; gaps become silence.

import { strict as assert } from "node:assert";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AudioRecorder } from "../tools/probe/audio";
import { freeEvenPortPair, rtpPacket, sendPaced, startProbe } from "./probe-support";

interface Wav {
  format: number;
  channels: number;
  rate: number;
  bits: number;
  data: Buffer;
}

/** Reads the fmt and data chunks of a RIFF/WAVE file. */
function readWav(b: Buffer): Wav {
  assert.equal(b.toString("ascii", 0, 4), "RIFF");
  assert.equal(b.toString("ascii", 8, 12), "WAVE");
  assert.equal(b.readUInt32LE(4), b.length - 8, "RIFF size");
  let pos = 12;
  let fmt: Omit<Wav, "data"> | null = null;
  let data: Buffer | null = null;
  while (pos + 8 <= b.length) {
    const id = b.toString("ascii", pos, pos + 4);
    const size = b.readUInt32LE(pos + 4);
    const body = b.subarray(pos + 8, pos + 8 + size);
    if (id === "fmt ") {
      fmt = { format: body.readUInt16LE(0), channels: body.readUInt16LE(2), rate: body.readUInt32LE(4), bits: body.readUInt16LE(14) };
    } else if (id === "data") {
      data = body;
    }
    pos += 8 + size + (size % 2);
  }
  assert.ok(fmt && data, "fmt and data chunks");
  return { ...fmt, data };
}

describe("probe: audio output", () => {
  let dir = "";
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "probe-wav-"));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("L16 stereo over UDP: little-endian PCM in sequence order, a lost packet as silence, duplicates once", async () => {
    const port = await freeEvenPortPair();
    const frames = 441; // 10 ms at 44.1 kHz, PT 10 (L16 stereo)
    const sample = (n: number, f: number, ch: number) => ((n * 1000 + f * 3 + ch * 7919) % 65536) - 32768;
    const payloadOf = (n: number) => {
      const b = Buffer.alloc(frames * 4);
      for (let f = 0; f < frames; f++) for (let ch = 0; ch < 2; ch++) b.writeInt16BE(sample(n, f, ch), (f * 2 + ch) * 2);
      return b;
    };
    const order = [0, 1, 3, 2, 4, 4, 6, 7]; // 5 lost, 2 late, 4 twice
    const datagrams = order.map((n) =>
      rtpPacket({ payloadType: 10, sequenceNumber: 60000 + n, timestamp: 99 + frames * n, ssrc: 3, payload: payloadOf(n) }),
    );
    const out = path.join(dir, "l16.wav");
    const running = startProbe(`rtp://127.0.0.1:${port}`, { packets: datagrams.length, timeoutS: 5, wav: out });
    await running.ready;
    await sendPaced(port, datagrams, 1);
    const result = await running.result;
    assert.equal(result.audio!.path, out);
    const wav = readWav(await fs.readFile(out));
    assert.deepEqual([wav.format, wav.channels, wav.rate, wav.bits], [1, 2, 44100, 16]);
    assert.equal(wav.data.length, 8 * frames * 4);
    for (let n = 0; n < 8; n++) {
      for (let f = 0; f < frames; f += 37) {
        for (let ch = 0; ch < 2; ch++) {
          const got = wav.data.readInt16LE(((n * frames + f) * 2 + ch) * 2);
          assert.equal(got, n === 5 ? 0 : sample(n, f, ch), `packet ${n} frame ${f} channel ${ch}`);
        }
      }
    }
    assert.equal(result.audio!.silenceFrames, frames);
    assert.equal(result.audio!.frames, 8 * frames);
  });

  it("PCMU and PCMA are stored byte for byte as G.711 WAV (format 7 and 6), gaps filled with their silence code", async () => {
    for (const [encoding, tag, silence] of [
      ["PCMU", 7, 0xff],
      ["PCMA", 6, 0xd5],
    ] as const) {
      const a = Buffer.from([1, 2, 3, 4]);
      const c = Buffer.from([9, 8, 7, 6]);
      const rec = new AudioRecorder({ encoding, clockRate: 8000, channels: 1 });
      rec.add(10, 500, a);
      rec.add(12, 508, c); // packet 11 (ts 504..507) lost
      const info = await rec.write(path.join(dir, `${encoding}.wav`));
      const wav = readWav(await fs.readFile(info.path));
      assert.deepEqual([wav.format, wav.channels, wav.rate, wav.bits], [tag, 1, 8000, 8]);
      assert.deepEqual([...wav.data], [1, 2, 3, 4, silence, silence, silence, silence, 9, 8, 7, 6]);
    }
  });

  it("L8 stays offset-128 unsigned; L24 becomes 24-bit little-endian", async () => {
    const l8 = new AudioRecorder({ encoding: "L8", clockRate: 16000, channels: 1 });
    l8.add(0, 0, Buffer.from([0, 128, 255]));
    l8.add(2, 6, Buffer.from([10, 20, 30]));
    const w8 = readWav(await fs.readFile((await l8.write(path.join(dir, "l8.wav"))).path));
    assert.deepEqual([w8.format, w8.bits, w8.rate], [1, 8, 16000]);
    assert.deepEqual([...w8.data], [0, 128, 255, 128, 128, 128, 10, 20, 30]);

    const l24 = new AudioRecorder({ encoding: "L24", clockRate: 48000, channels: 2 });
    l24.add(0, 0, Buffer.from([0x80, 0x00, 0x00, 0x7f, 0xff, 0xff])); // one frame: min, max
    const w24 = readWav(await fs.readFile((await l24.write(path.join(dir, "l24.wav"))).path));
    assert.deepEqual([w24.format, w24.bits, w24.channels], [1, 24, 2]);
    assert.deepEqual([...w24.data], [0x00, 0x00, 0x80, 0xff, 0xff, 0x7f]);
  });

  it("MPA: the RFC 2250 header is stripped, .wav becomes .mp3, an orphaned fragment is dropped", async () => {
    const hdr = (frag: number) => Buffer.from([0, 0, frag >> 8, frag & 0xff]);
    const rec = new AudioRecorder({ encoding: "MPA", clockRate: 90000, channels: 1 });
    rec.add(1, 0, Buffer.concat([hdr(0), Buffer.from("AAAA")])); // whole frame
    rec.add(2, 2160, Buffer.concat([hdr(0), Buffer.from("BB")])); // frame start...
    rec.add(3, 2160, Buffer.concat([hdr(2), Buffer.from("bb")])); // ...and its continuation
    rec.add(5, 4320, Buffer.concat([hdr(2), Buffer.from("cc")])); // continuation of a frame whose start (4) was lost
    rec.add(6, 6480, Buffer.concat([hdr(0), Buffer.from("DD")]));
    const info = await rec.write(path.join(dir, "mpa.wav"));
    assert.equal(info.path, path.join(dir, "mpa.mp3"));
    assert.equal(info.container, "mpeg");
    assert.equal((await fs.readFile(info.path)).toString("latin1"), "AAAABBbbDD");
  });
});
