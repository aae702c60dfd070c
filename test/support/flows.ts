// Test support: the RTP flows a simulated network recorded, decoded by an independent parser (rtp.js via the probe).
import { decodeRtp, DecodedRtp } from "../../tools/probe/packets";
import { SimNetwork } from "../../tools/harness/network";

export interface Departed extends DecodedRtp {
    atUs: number;
    handedUs: number;
}

/** RTP packets sent to `port`, in departure order. */
export function rtpTo(net: SimNetwork, port: number): Departed[] {
    const out: Departed[] = [];
    for (const d of net.departures) {
        if (d.port !== port) continue;
        const p = decodeRtp(d.data);
        if (p) out.push({ ...p, payload: Buffer.from(p.payload), atUs: d.atUs, handedUs: d.handedUs });
    }
    return out;
}

/** RTCP packets (raw) sent to `port`. */
export function rtcpTo(net: SimNetwork, port: number): Buffer[] {
    return net.departures.filter(d => d.port === port).map(d => d.data);
}

/** Departure time minus media time, in µs, with the media clock anchored on the earliest packet (so all are >= 0). */
export function deviationsUs(packets: Departed[], clockRate: number): number[] {
    if (packets.length === 0) return [];
    let ext = 0;
    let prev = packets[0].timestamp;
    const media = packets.map(p => {
        const d = (p.timestamp - prev + 2 ** 32) % 2 ** 32;
        ext += d < 2 ** 31 ? d : d - 2 ** 32;
        prev = p.timestamp;
        return (ext * 1e6) / clockRate;
    });
    const offsets = packets.map((p, i) => p.atUs - media[i]);
    const base = Math.min(...offsets);
    return offsets.map(o => o - base);
}

export function concatPayloads(packets: Departed[], skip = 0): Buffer {
    return Buffer.concat(packets.map(p => p.payload.subarray(skip)));
}

/** Packet types in an RTCP compound packet, walking the length fields (RFC 3550 §6.1). */
export function rtcpTypes(packet: Buffer): number[] {
    const types: number[] = [];
    let off = 0;
    while (off + 4 <= packet.length) {
        types.push(packet[off + 1]);
        off += (packet.readUInt16BE(off + 2) + 1) * 4;
    }
    return types;
}
