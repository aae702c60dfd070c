// Sun/NeXT .au headers (big-endian): mu-law, A-law and 8/16/24-bit linear PCM mapped to RTP; no byte swap needed.
import { u32be } from "./bytes";
import { Encoding, MediaInfo } from "./media";
import { checkPcmShape, pcmMedia } from "./pcm-media";

const AU_UNKNOWN_SIZE = 4294967295;

export function isAu(head: string): boolean {
    return string.sub(head, 1, 4) === ".snd";
}

/**
 * Parses an .au header from the file's first bytes and its size. Encodings: 1 mu-law (PCMU), 27 A-law (PCMA),
 * 2 signed 8-bit linear (sent as L8: `signed8` makes packetize add the offset of 128), 3 and 4 16/24-bit linear
 * (already network order). A data size of 0xffffffff means "to the end of the file"; a size past the end is clamped.
 */
export function parseAu(head: string, fileSize: number): LuaMultiReturn<[MediaInfo | undefined, string | undefined]> {
    if (!isAu(head)) return $multi(undefined, "not a .snd file");
    if (head.length < 24 || fileSize < 24) return $multi(undefined, "the .au header is cut short");
    const offset = u32be(head, 5);
    const size = u32be(head, 9);
    const code = u32be(head, 13);
    const rate = u32be(head, 17);
    const channels = u32be(head, 21);
    if (offset < 24) return $multi(undefined, `.au data offset ${offset} lies inside the header`);
    if (offset >= fileSize) return $multi(undefined, "the .au file holds no audio data");
    let encoding: Encoding;
    let width = 1;
    if (code === 1) encoding = "PCMU";
    else if (code === 27) encoding = "PCMA";
    else if (code === 2) encoding = "L8";
    else if (code === 3) {
        encoding = "L16";
        width = 2;
    } else if (code === 4) {
        encoding = "L24";
        width = 3;
    } else return $multi(undefined, `.au encoding ${code} is not supported (mu-law, A-law, 8/16/24-bit linear)`);
    if (channels > 1400) return $multi(undefined, `${channels} channels is not a plausible .au header`);
    const frameBytes = channels * width;
    const shape = checkPcmShape(rate, channels, frameBytes);
    if (shape !== undefined) return $multi(undefined, shape);
    const available = fileSize - offset;
    const length = size === AU_UNKNOWN_SIZE || size > available ? available : size;
    if (length < frameBytes) return $multi(undefined, "the .au file holds no complete sample");
    const media = pcmMedia("au", encoding, rate, channels, frameBytes, offset, length, 0);
    if (code === 2) media.signed8 = true;
    return $multi(media, undefined);
}
