// What the protocol layer tells the streaming core about a file: its format, RTP mapping, and how to cut it into packets.

/** RTP encodings ringcast sends (RFC 3551 names). */
export type Encoding = "L8" | "L16" | "L24" | "PCMU" | "PCMA" | "MPA";

export interface MediaInfo {
    /** Container the file was recognised as. */
    container: "wav" | "au" | "mp3";
    encoding: Encoding;
    /** Static RFC 3551 payload type where one fits (0, 8, 10, 11, 14), else a dynamic one (96). */
    payloadType: number;
    /** RTP clock rate: the sample rate for PCM/G.711, 90000 for MPA. */
    clockRate: number;
    /** Sample rate of the audio. */
    sampleRate: number;
    channels: number;
    /** Bytes of one sample frame (all channels) for PCM/G.711; 0 for MPA. */
    frameBytes: number;
    /** Byte range of the audio data in the file. */
    dataOffset: number;
    dataLength: number;
    /** Width of the little-endian to network byte order swap needed per sample (WAV 16-bit: 2, 24-bit: 3), or 0. */
    swapWidth: number;
    /** Average bit rate of the payload in bits per second (admission uses it). */
    bitsPerSecond: number;
    /** Duration in microseconds. */
    durationUs: number;
    /** AU 8-bit linear PCM is signed: packetize adds 128 to every byte to make RFC 3551 L8 (offset 128). */
    signed8?: boolean;
    /** MPEG audio only: what packetizing and seeking need. */
    mpeg?: MpegInfo;
}

/** MPEG audio stream parameters, taken from the first frame and the Xing/Info/VBRI header if there is one. */
export interface MpegInfo {
    /** 1 (MPEG-1), 2 (MPEG-2) or 2.5 (MPEG-2.5). */
    version: number;
    /** 1, 2 or 3. */
    layer: number;
    samplesPerFrame: number;
    /** Bit rate of the first audio frame in bits per second. */
    bitrate: number;
    /** True when a Xing or VBRI header says the bit rate varies (an "Info" header marks CBR). */
    vbr: boolean;
    /** Audio frames in the file from the Xing/Info/VBRI header, or 0 when unknown. */
    frames: number;
    /** Xing seek table (100 entries, 0-255) or undefined. */
    toc?: number[];
    /** File offset the Xing table is relative to (the Xing frame) and the byte count it spans. */
    tocOffset: number;
    tocBytes: number;
    /** Second and third header bytes of the first frame with the CRC, bit-rate, padding and private bits cleared: every frame of the stream must match. */
    fixed2: number;
    fixed3: number;
}

/** Where a file is refused: a reason the control plane can report (RTSP 415 / 404). */
export interface MediaError {
    reason: string;
}

/**
 * Turns what the disk task read into packet payloads. One per stream; keeps state between reads (an MP3 frame cut
 * by a read boundary). Allocates nothing per packet but the payload strings themselves.
 */
export interface Packetizer {
    readonly media: MediaInfo;
    /** Storage read shape: `piecesPerRead` consecutive pieces of `pieceLength` bytes (PCM: one piece per packet). */
    readonly pieceLength: number;
    readonly piecesPerRead: number;
    /** Largest number of packets one read can yield (sizes the buffers at admission). */
    readonly maxPacketsPerRead: number;
    /** Payload bytes of a full packet (for bandwidth: header overhead is added by the caller). */
    readonly packetBytes: number;
    /** Nominal duration of one full packet in RTP clock ticks. */
    readonly packetTicks: number;
    /**
     * Seeking: the file offset to read from for media position `ticks`, and the position actually reached in ticks
     * (PCM: that sample frame, exact; MPA: the start of the frame holding `ticks`, exact for CBR, near it for VBR).
     * Call reset() with the offset before handing over reads from there.
     */
    offsetForTicks(ticks: number): LuaMultiReturn<[number, number]>;
    /** Resets internal state after a seek to `offset`. */
    reset(offset: number): void;
    /**
     * Converts `pieceCount` pieces read from storage into payloads: writes payloads[0..n-1] and ticks[0..n-1] (the RTP
     * clock ticks each payload lasts) and returns n. Byte order is fixed here (WAV PCM -> network order), as is the
     * RFC 2250 header for MPA. Reads must come in file order from the data start or the last reset(); bytes past the
     * audio data are ignored.
     */
    packetize(pieces: string[], pieceCount: number, payloads: string[], ticks: number[]): number;
}
