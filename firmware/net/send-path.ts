// The per-packet path: next payload from the ring, dropped if stale, RTP header stamped, handed to the sink. No tables made.
import { rtpHeader } from "../protocol/rtp";
import { StreamEntry } from "../stream/entry";

const TWO_32 = 4294967296;

/**
 * Sends every packet of `e` that is due by `nowUs + leadUs`, each stamped with its media time as its departure time.
 * Returns the due time of the next packet, or -1 when the ring is dry (the disk task wakes the sender again when data
 * arrives). Packets later than `toleranceUs` are dropped and counted.
 */
export function sendDue(e: StreamEntry, nowUs: number, toleranceUs: number, leadUs: number): number {
    const ring = e.ring;
    const pt = e.media.payloadType;
    for (;;) {
        const buf = ring.current();
        if (buf === undefined) {
            if (!e.eof && e.state === "playing") e.underruns++;
            e.nextDueUs = -1;
            return -1;
        }
        const i = buf.next;
        if (i >= buf.count) {
            ring.release();
            continue;
        }
        if (e.anchorUs < 0) {
            // First data after PLAY or a seek: the media clock starts now.
            e.anchorUs = nowUs;
            e.anchorTicks = e.sendTicks;
        }
        const due = e.dueUs(e.sendTicks);
        if (due > nowUs + leadUs) {
            e.nextDueUs = due;
            return due;
        }
        const payload = buf.payloads[i];
        const ticks = buf.ticks[i];
        buf.payloads[i] = "";
        buf.next = i + 1;
        if (nowUs - due > toleranceUs) {
            // Stale: never sent late in a burst. The receiver sees a timestamp jump, and a marker on the next packet.
            e.dropped++;
            e.marker = true;
        } else {
            const header = rtpHeader(pt, e.marker, e.seq, (e.timestampBase + e.sendTicks) % TWO_32, e.ssrc);
            if (e.sink.sendRtp(header + payload, due)) {
                e.packetsSent++;
                e.octetsSent += payload.length;
                e.lateness.add(nowUs > due ? nowUs - due : 0);
            } else {
                e.sendErrors++;
            }
            e.seq = (e.seq + 1) % 65536;
            e.marker = false;
        }
        e.sendTicks += ticks;
    }
}
