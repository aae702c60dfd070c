// MediaInfo for linear PCM and G.711 data (WAV, AU): RFC 3551 payload type, bit rate, duration.
import { Encoding, MediaInfo } from "./media";

/** Largest sample frame (all channels) that still fits one packet payload. */
export const MAX_PCM_FRAME_BYTES = 1400;

/** Dynamic payload type used for everything without a static RFC 3551 one. */
export const DYNAMIC_PAYLOAD_TYPE = 96;

/** RFC 3551 static payload types for PCM/G.711: PCMU/PCMA 8000 mono, L16 44100 stereo and mono; else dynamic. */
export function pcmPayloadType(encoding: Encoding, sampleRate: number, channels: number): number {
    if (encoding === "PCMU" && sampleRate === 8000 && channels === 1) return 0;
    if (encoding === "PCMA" && sampleRate === 8000 && channels === 1) return 8;
    if (encoding === "L16" && sampleRate === 44100 && channels === 2) return 10;
    if (encoding === "L16" && sampleRate === 44100 && channels === 1) return 11;
    return DYNAMIC_PAYLOAD_TYPE;
}

/** Checks rate and channels; returns a refusal reason or undefined. */
export function checkPcmShape(sampleRate: number, channels: number, frameBytes: number): string | undefined {
    if (channels < 1) return "no audio channels";
    if (sampleRate < 1000 || sampleRate > 768000 || math.floor(sampleRate) !== sampleRate) return `unusable sample rate ${sampleRate} Hz`;
    if (frameBytes > MAX_PCM_FRAME_BYTES) return `${channels} channels make a sample frame of ${frameBytes} bytes, more than one packet carries`;
    return undefined;
}

export function pcmMedia(
    container: "wav" | "au",
    encoding: Encoding,
    sampleRate: number,
    channels: number,
    frameBytes: number,
    dataOffset: number,
    dataLength: number,
    swapWidth: number,
): MediaInfo {
    const frames = math.floor(dataLength / frameBytes);
    return {
        container,
        encoding,
        payloadType: pcmPayloadType(encoding, sampleRate, channels),
        clockRate: sampleRate,
        sampleRate,
        channels,
        frameBytes,
        dataOffset,
        // Whole sample frames only: a cut-off last frame is never sent.
        dataLength: frames * frameBytes,
        swapWidth,
        bitsPerSecond: sampleRate * frameBytes * 8,
        durationUs: math.floor((frames * 1000000) / sampleRate),
    };
}
