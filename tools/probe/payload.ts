// Payload formats the probe understands: RFC 3551 static payload types and a=rtpmap parsing.

/** What a payload type carries, as needed for statistics and audio output. */
export interface Codec {
  /** Encoding name, upper-case (L16, L8, L24, PCMU, PCMA, MPA, ...). */
  encoding: string;
  /** RTP clock rate in Hz. */
  clockRate: number;
  /** Audio channels (1 when unknown or not applicable). */
  channels: number;
}

/** RFC 3551 §6 Table 4: static audio payload types. */
export const STATIC_PAYLOAD_TYPES: ReadonlyMap<number, Codec> = new Map<number, Codec>([
  [0, { encoding: "PCMU", clockRate: 8000, channels: 1 }],
  [3, { encoding: "GSM", clockRate: 8000, channels: 1 }],
  [4, { encoding: "G723", clockRate: 8000, channels: 1 }],
  [5, { encoding: "DVI4", clockRate: 8000, channels: 1 }],
  [6, { encoding: "DVI4", clockRate: 16000, channels: 1 }],
  [7, { encoding: "LPC", clockRate: 8000, channels: 1 }],
  [8, { encoding: "PCMA", clockRate: 8000, channels: 1 }],
  [9, { encoding: "G722", clockRate: 8000, channels: 1 }],
  [10, { encoding: "L16", clockRate: 44100, channels: 2 }],
  [11, { encoding: "L16", clockRate: 44100, channels: 1 }],
  [12, { encoding: "QCELP", clockRate: 8000, channels: 1 }],
  [13, { encoding: "CN", clockRate: 8000, channels: 1 }],
  [14, { encoding: "MPA", clockRate: 90000, channels: 1 }],
  [15, { encoding: "G728", clockRate: 8000, channels: 1 }],
  [16, { encoding: "DVI4", clockRate: 11025, channels: 1 }],
  [17, { encoding: "DVI4", clockRate: 22050, channels: 1 }],
  [18, { encoding: "G729", clockRate: 8000, channels: 1 }],
]);

/** Payload type numbers 96-127 are dynamic and need an a=rtpmap (RFC 3551 §3). */
export function isDynamicPayloadType(pt: number): boolean {
  return pt >= 96 && pt <= 127;
}

/** Codec for a static payload type, or undefined. */
export function staticCodec(pt: number): Codec | undefined {
  const c = STATIC_PAYLOAD_TYPES.get(pt);
  return c ? { ...c } : undefined;
}

/**
 * Builds a codec from the parts of "a=rtpmap:<pt> <encoding>/<clock>[/<channels>]".
 * The channel count defaults to 1 (RFC 8866 §6.6).
 */
export function codecFromRtpmap(encoding: string, clockRate: number, channels?: number | string): Codec {
  const ch = channels === undefined || channels === "" ? 1 : Number(channels);
  return {
    encoding: encoding.toUpperCase(),
    clockRate: Number(clockRate),
    channels: Number.isFinite(ch) && ch > 0 ? ch : 1,
  };
}

/** Bytes per sample (per channel) for the linear and G.711 formats; undefined for framed codecs. */
export function bytesPerSample(encoding: string): number | undefined {
  switch (encoding.toUpperCase()) {
    case "L8":
    case "PCMU":
    case "PCMA":
      return 1;
    case "L16":
      return 2;
    case "L24":
      return 3;
    default:
      return undefined;
  }
}
