// RTCP for the sender side of each stream: SR + SDES CNAME at RFC 3550 intervals, and BYE when a stream ends.
import { Hal } from "../../hal/interfaces";
import { byePacket, rtcpIntervalUs, senderReport } from "../protocol/rtcp";
import { StreamEntry } from "./entry";

/** RTCP gets 5% of the session bandwidth (RFC 3550 §6.2); the sender's share is a quarter of that. */
const RTCP_FRACTION = 0.05;
/** Our compound SR + SDES is about this many bytes with IP/UDP headers, for the interval formula. */
const AVG_RTCP_BYTES = 100;

export class RtcpReporter {
    private readonly cname: string;

    constructor(private readonly hal: Hal) {
        this.cname = `ringcast@${hal.localAddress()}`;
    }

    /** Sends a sender report now and schedules the next one. */
    report(e: StreamEntry, nowUs: number, members: number): void {
        const rtpTime = (e.timestampBase + ticksAt(e, nowUs)) % 4294967296;
        e.sink.sendRtcp(senderReport(e.ssrc, nowUs, rtpTime, e.packetsSent, e.octetsSent, this.cname));
        e.rtcpSent++;
        const random01 = (this.hal.random32() % 1000000) / 1000000;
        const rtcpBps = (e.reservedBps * RTCP_FRACTION);
        e.nextRtcpUs = nowUs + rtcpIntervalUs(members + 1, 1, rtcpBps, true, AVG_RTCP_BYTES, e.rtcpSent === 1, random01);
    }

    bye(e: StreamEntry, reason: string): void {
        const now = this.hal.clock.nowUs();
        const rtpTime = (e.timestampBase + e.sendTicks) % 4294967296;
        e.sink.sendRtcp(byePacket(e.ssrc, now, rtpTime, e.packetsSent, e.octetsSent, this.cname, reason));
    }
}

/**
 * The stream's media clock at `nowUs`, for an SR's RTP time: the send point runs ahead of the clock by up to a packet
 * (and by the sender's lead on a board with one).
 */
function ticksAt(e: StreamEntry, nowUs: number): number {
    if (e.anchorUs < 0 || nowUs < e.anchorUs) return e.sendTicks;
    const ticks = e.anchorTicks + Math.floor(((nowUs - e.anchorUs) * e.media.clockRate) / 1000000);
    return ticks < e.sendTicks ? ticks : e.sendTicks;
}
