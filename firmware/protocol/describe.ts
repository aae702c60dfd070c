// Recognises a file on the card by its content (WAV, AU, MP3), reading more of it when a header or tag needs it.
import { StorageFile } from "../../hal/interfaces";
import { isAu, parseAu } from "./au";
import { MediaInfo } from "./media";
import { looksLikeMpeg, mp3Step, newMp3Scan } from "./mp3";
import { ProbeStep, refuse, WINDOW_BYTES } from "./probe";
import { isWav, newWavScan, wavStep } from "./wav";

/** Reads one file may take while being recognised (the first window included). */
const MAX_READS = 8;

type Stepper = (this: void, window: string, windowOffset: number) => ProbeStep;

/** Whether a name says MPEG audio: then junk before the first frame is skipped even without an ID3 tag. */
function mpegName(name: string): boolean {
    const lower = string.lower(name);
    const [a] = string.find(lower, "%.mp[123a]$");
    const [b] = string.find(lower, "%.mpga$");
    return a !== undefined || b !== undefined;
}

/** Printable ASCII and whitespace only: a text file (a playlist, a README), not audio. */
function looksLikeText(head: string): boolean {
    const [other] = string.find(head, "[^\t\n\r\x20-\x7e]");
    return other === undefined;
}

function stepperFor(head: string, name: string, size: number): Stepper | string {
    if (isWav(head)) {
        const scan = newWavScan();
        return (w, at) => wavStep(scan, w, at, size);
    }
    if (string.sub(head, 1, 4) === "RIFF") return "a RIFF file that is not WAVE";
    if (isAu(head)) {
        return (w, at) => {
            const [media, reason] = parseAu(w, size);
            return media !== undefined ? { media } : refuse(reason ?? ".au header not understood");
        };
    }
    const named = mpegName(name);
    if (named || looksLikeMpeg(head)) {
        const scan = newMp3Scan(named);
        return (w, at) => mp3Step(scan, w, at, size);
    }
    if (looksLikeText(head)) return "a text file, not audio";
    return "not a recognised audio file (WAV, AU or MP3)";
}

/**
 * Identifies `file` and calls onDone once with its MediaInfo, or with undefined and a reason fit for an RTSP 415
 * answer. Reads the first 4 KiB, then more where a chunk list or an ID3 tag goes on. The decision rests on the
 * content; the name only allows skipping junk before the first MP3 frame. A parser failure is reported, never raised.
 */
export function describeFile(file: StorageFile, name: string, onDone: (this: void, media: MediaInfo | undefined, reason: string | undefined) => void): void {
    const size = file.size;
    if (size <= 0) {
        onDone(undefined, "empty file");
        return;
    }
    const into: string[] = [];
    let reads = 0;
    let stepper: Stepper | undefined;

    const landed = (pieces: number, err: string | undefined, offset: number): void => {
        if (err !== undefined) return onDone(undefined, `read error: ${err}`);
        const window = pieces > 0 ? into[0] : "";
        if (window === undefined || window === "") return onDone(undefined, "the file ends inside its header");
        if (stepper === undefined) {
            const s = stepperFor(window, name, size);
            if (type(s) === "string") return onDone(undefined, s as string);
            stepper = s as Stepper;
        }
        const [ok, result] = pcall(stepper, window, offset);
        if (!ok) return onDone(undefined, `header not understood (${result as string})`);
        const step = result as ProbeStep;
        if (step.readAt === undefined) return onDone(step.media, step.media === undefined ? (step.reason ?? "not playable") : undefined);
        if (reads >= MAX_READS || step.readAt >= size) return onDone(undefined, "the header is larger than the board reads");
        readAt(step.readAt, step.readLength ?? WINDOW_BYTES);
    };

    const readAt = (offset: number, length: number): void => {
        reads++;
        file.read(offset, length, 1, into, (pieces, err) => landed(pieces, err, offset));
    };

    readAt(0, WINDOW_BYTES);
}
