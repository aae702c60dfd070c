// One step of recognising a file from a window of its bytes: a result, a refusal, or where to read next.
import { MediaInfo } from "./media";

/**
 * What a format parser says after looking at a window of the file: exactly one of `media`, `reason`, or `readAt`
 * (read `readLength` bytes at that file offset and call the parser again with them).
 */
export interface ProbeStep {
    media?: MediaInfo;
    reason?: string;
    readAt?: number;
    readLength?: number;
}

/** Bytes read per look at a file: the header window, and each follow-up read. */
export const WINDOW_BYTES = 4096;

export function refuse(reason: string): ProbeStep {
    return { reason };
}

export function readMore(offset: number, length: number): ProbeStep {
    return { readAt: offset, readLength: length };
}
