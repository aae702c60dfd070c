// Picks the packetizer for a file's encoding: RFC 2250 for MPEG audio, whole sample frames for PCM and G.711.
import { MediaInfo, Packetizer } from "./media";
import { MpaPacketizer } from "./mpa-packetizer";
import { PcmPacketizer } from "./pcm-packetizer";

/** A packetizer for one stream; `bufferBytes` is the most one storage read may bring (a pool buffer). */
export function createPacketizer(media: MediaInfo, bufferBytes: number): Packetizer {
    if (media.encoding === "MPA") return new MpaPacketizer(media, bufferBytes);
    return new PcmPacketizer(media, bufferBytes);
}
