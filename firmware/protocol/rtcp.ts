// RTCP for a sender (RFC 3550 §6): SR+SDES and SR+SDES+BYE compound packets, the report interval, receiver reports.
import { be16, be32, u16be, u32be } from "./bytes";

const floor = math.floor;
const schar = string.char;
const sbyte = string.byte;

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
export const NTP_UNIX_OFFSET_SECONDS = 2208988800;

/** NTP time in µs at clock zero, used when a caller gives none: 1970-01-01 until the board learns the time. */
let defaultEpochUs = NTP_UNIX_OFFSET_SECONDS * 1000000;

/** Sets the NTP time (µs since 1900) at which the board's monotonic clock read zero, e.g. after an SNTP sync. */
export function setNtpEpochUs(epochUs: number): void {
    defaultEpochUs = epochUs;
}

/**
 * The 64-bit NTP time of a clock reading: `clockUs` from the board's monotonic µs clock plus `epochUs`, the NTP time
 * in µs at clock zero (e.g. (unix seconds at boot + NTP_UNIX_OFFSET_SECONDS) * 1e6). Returns seconds (mod 2^32) and
 * the 32-bit fraction.
 */
export function ntpTime(clockUs: number, epochUs: number = defaultEpochUs): LuaMultiReturn<[number, number]> {
    const us = clockUs + epochUs;
    const whole = floor(us / 1000000);
    const fraction = floor(((us - whole * 1000000) * 4294967296) / 1000000);
    return $multi(whole % 4294967296, fraction);
}

function header(count: number, packetType: number, bodyBytes: number): string {
    return schar(0x80 + count, packetType) + be16(floor((bodyBytes + 4) / 4) - 1);
}

function sr(ssrc: number, clockUs: number, rtpTimestamp: number, packets: number, octets: number, epochUs: number): string {
    const [seconds, fraction] = ntpTime(clockUs, epochUs);
    return header(0, RTCP_SR, 24) + be32(ssrc) + be32(seconds) + be32(fraction) + be32(rtpTimestamp) + be32(packets) + be32(octets);
}

function sdes(ssrc: number, cname: string): string {
    const text = cname.length > 255 ? string.sub(cname, 1, 255) : cname;
    // SSRC, CNAME item (type 1, length, text), then one to four zero bytes: the end item plus padding to 32 bits.
    const items = 2 + text.length;
    const zeros = 4 - (items % 4);
    return header(1, RTCP_SDES, 4 + items + zeros) + be32(ssrc) + schar(1, text.length) + text + string.rep(schar(0), zeros);
}

/**
 * A compound SR + SDES(CNAME) at clock reading `clockUs` (µs). `rtpTimestamp` is the stream's RTP time at that same
 * instant; packet and octet (payload bytes) counts are taken modulo 2^32; `epochUs` defaults to the one set with
 * setNtpEpochUs. No report blocks: the board receives no RTP.
 */
export function senderReport(ssrc: number, clockUs: number, rtpTimestamp: number, packets: number, octets: number, cname: string, epochUs: number = defaultEpochUs): string {
    return sr(ssrc, clockUs, rtpTimestamp, packets, octets, epochUs) + sdes(ssrc, cname);
}

/** SR + SDES + BYE (a BYE is sent in a compound packet that starts with a report, RFC 3550 §6.1), with an optional reason. */
export function byePacket(ssrc: number, clockUs: number, rtpTimestamp: number, packets: number, octets: number, cname: string, reason?: string, epochUs: number = defaultEpochUs): string {
    let bye: string;
    if (reason === undefined || reason === "") bye = header(1, RTCP_BYE, 4) + be32(ssrc);
    else {
        const text = reason.length > 255 ? string.sub(reason, 1, 255) : reason;
        const used = 1 + text.length;
        const pad = (4 - (used % 4)) % 4;
        bye = header(1, RTCP_BYE, 4 + used + pad) + be32(ssrc) + schar(text.length) + text + string.rep(schar(0), pad);
    }
    return senderReport(ssrc, clockUs, rtpTimestamp, packets, octets, cname, epochUs) + bye;
}

/** e - 3/2: compensates for the timer reconsideration algorithm converging below the intended average. */
const COMPENSATION = 2.718281828459045 - 1.5;

/**
 * RTCP transmission interval in µs (RFC 3550 §6.3.1, A.7). `rtcpBitsPerSecond` is the RTCP share of the session
 * bandwidth (5 %); `avgRtcpSize` the average compound size in bytes (UDP/IP headers included); `random01` a uniform
 * draw in [0, 1). Senders share 25 % when they are at most a quarter of the members. The deterministic interval is at
 * least 5 s (2.5 s before the first report), then scaled by [0.5, 1.5) and divided by e - 3/2.
 */
export function rtcpIntervalUs(members: number, senders: number, rtcpBitsPerSecond: number, weSent: boolean, avgRtcpSize: number, initial: boolean, random01: number): number {
    const minTime = initial ? 2.5 : 5;
    let n = members;
    let bw = rtcpBitsPerSecond / 8;
    if (senders <= members * 0.25) {
        if (weSent) {
            bw = bw * 0.25;
            n = senders;
        } else {
            bw = bw * 0.75;
            n = members - senders;
        }
    }
    let t = bw > 0 ? (avgRtcpSize * n) / bw : minTime;
    if (t < minTime) t = minTime;
    t = (t * (random01 + 0.5)) / COMPENSATION;
    return floor(t * 1000000);
}

/** Running average of compound RTCP sizes (RFC 3550 §6.3.3): avg + (size - avg) / 16. */
export function averageRtcpSize(average: number, packetBytes: number): number {
    return average + (packetBytes - average) / 16;
}

export interface RtcpReportBlock {
    ssrc: number;
    fractionLost: number;
    /** Signed 24-bit cumulative loss. */
    cumulativeLost: number;
    highestSeq: number;
    jitter: number;
    lsr: number;
    dlsr: number;
}

/** What a receiver's compound RTCP packet says. */
export interface RtcpInfo {
    /** SSRCs of the SR/RR packets' senders (the receivers reporting). */
    reporters: number[];
    reports: RtcpReportBlock[];
    /** SSRCs leaving (BYE). */
    byes: number[];
    /** Whether an RR (or an SR) was present: the receiver is alive. */
    receiverReport: boolean;
}

function reportBlock(p: string, q: number): RtcpReportBlock {
    const lost = u32be(p, q + 4) % 16777216;
    return {
        ssrc: u32be(p, q),
        fractionLost: sbyte(p, q + 4),
        cumulativeLost: lost >= 8388608 ? lost - 16777216 : lost,
        highestSeq: u32be(p, q + 8),
        jitter: u32be(p, q + 12),
        lsr: u32be(p, q + 16),
        dlsr: u32be(p, q + 20),
    };
}

/**
 * Parses a compound RTCP packet (RFC 3550 A.2 checks: version 2, lengths adding up, first packet SR or RR, padding
 * only on the last). Recognises SR and RR with their report blocks, and BYE; skips SDES, APP and others. Returns the
 * info, or undefined and the reason the packet is invalid.
 */
export function parseRtcp(packet: string): LuaMultiReturn<[RtcpInfo | undefined, string | undefined]> {
    const info: RtcpInfo = { reporters: [], reports: [], byes: [], receiverReport: false };
    const total = packet.length;
    if (total < 8) return $multi(undefined, "shorter than an RTCP header");
    let at = 1;
    let first = true;
    while (at <= total) {
        if (at + 3 > total) return $multi(undefined, "trailing bytes after the last RTCP packet");
        const [b0, pt] = sbyte(packet, at, at + 1);
        if (floor(b0 / 64) !== 2) return $multi(undefined, "not RTCP version 2");
        const count = b0 % 32;
        const padded = floor(b0 / 32) % 2 === 1;
        const bytes = (u16be(packet, at + 2) + 1) * 4;
        const endAt = at + bytes;
        if (endAt - 1 > total) return $multi(undefined, "RTCP length runs past the datagram");
        if (first && pt !== RTCP_SR && pt !== RTCP_RR) return $multi(undefined, "compound RTCP must start with SR or RR");
        if (padded && endAt - 1 !== total) return $multi(undefined, "padding before the last RTCP packet");
        if (pt === RTCP_SR || pt === RTCP_RR) {
            const blocksAt = pt === RTCP_SR ? at + 28 : at + 8;
            if (blocksAt + count * 24 > endAt || at + 8 > endAt) return $multi(undefined, "report blocks run past their packet");
            info.reporters.push(u32be(packet, at + 4));
            info.receiverReport = true;
            for (let k = 0; k < count; k++) info.reports.push(reportBlock(packet, blocksAt + k * 24));
        } else if (pt === RTCP_BYE) {
            if (at + 4 + count * 4 > endAt) return $multi(undefined, "BYE sources run past their packet");
            for (let k = 0; k < count; k++) info.byes.push(u32be(packet, at + 4 + k * 4));
        }
        first = false;
        at = endAt;
    }
    return $multi(info, undefined);
}
