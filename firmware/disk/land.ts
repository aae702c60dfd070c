// Lands a finished storage read in a stream's ring: cut at the end of the audio data, packetise, exchange full for empty.
import { StreamEntry } from "../stream/entry";

/** Returns the number of packets that landed. Sets eof when the audio data is exhausted. */
export function landRead(e: StreamEntry, pieceCount: number): number {
    const buf = e.ring.emptyBuffer();
    if (buf === undefined) return 0;
    // Pieces past the end of the audio data (a trailing chunk, a tag) are cut off before packetising.
    const remaining = e.media.dataOffset + e.media.dataLength - e.readOffset;
    let bytes = 0;
    let used = 0;
    while (used < pieceCount && bytes < remaining) {
        const piece = e.pieces[used];
        if (piece.length > remaining - bytes) e.pieces[used] = string.sub(piece, 1, remaining - bytes);
        bytes += e.pieces[used].length;
        used++;
    }
    const count = used > 0 ? e.packetizer.packetize(e.pieces, used, buf.payloads, buf.ticks) : 0;
    for (let i = 0; i < e.packetizer.piecesPerRead; i++) e.pieces[i] = "";
    e.readOffset += bytes;
    if (used === 0 || bytes >= remaining) e.eof = true;
    if (count > 0) {
        buf.count = count;
        buf.next = 0;
        buf.startTicks = e.readTicks;
        for (let i = 0; i < count; i++) e.readTicks += buf.ticks[i];
        e.ring.exchange(buf);
    }
    return count;
}
