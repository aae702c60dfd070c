// Packet sinks per transport: UDP unicast from the server's socket pair, RTSP-interleaved TCP, and a fan-out for channels.
import { Hal, UdpSocket } from "../../hal/interfaces";
import { PacketSink } from "../stream/control";
import { RtspConnection } from "./connection";

const RTCP_BYE = 203;
/** How long a BYE waits behind the last RTP packets on UDP. */
const BYE_DELAY_US = 20000;

/** Whether an RTCP compound holds a BYE (walks its packets by their length fields). */
export function hasBye(packet: string): boolean {
    const n = string.len(packet);
    let o = 1;
    while (o + 3 <= n) {
        const [, pt, hi, lo] = string.byte(packet, o, o + 3);
        if (pt === RTCP_BYE) return true;
        o += (hi * 256 + lo + 1) * 4;
    }
    return false;
}

/** RTP and RTCP to a receiver's port pair (unicast or a multicast group), from the server's shared sockets. */
export class UdpSink implements PacketSink {
    constructor(
        private readonly hal: Hal,
        private readonly rtp: UdpSocket,
        private readonly rtcp: UdpSocket,
        readonly address: string,
        readonly rtpPort: number,
        readonly rtcpPort: number,
    ) {}

    sendRtp(packet: string, departUs?: number): boolean {
        return this.rtp.send(this.rtpPort, this.address, packet, departUs);
    }

    sendRtcp(packet: string): boolean {
        if (!hasBye(packet)) return this.rtcp.send(this.rtcpPort, this.address, packet);
        // RTCP travels on another port than RTP, and receivers such as ffmpeg read RTCP first: a BYE sent with the last
        // packets would overtake them and end the stream short of its tail.
        const timer = this.hal.createTimer({
            onFire: () => {
                timer.close();
                this.rtcp.send(this.rtcpPort, this.address, packet);
            },
        });
        timer.at(this.hal.clock.nowUs() + BYE_DELAY_US);
        return true;
    }
}

/** `$`-framed packets on the RTSP connection; dropped (and counted by the connection) when its queue is full. */
export class InterleavedSink implements PacketSink {
    constructor(
        readonly connection: RtspConnection,
        readonly rtpChannel: number,
        readonly rtcpChannel: number,
    ) {}

    /** TCP has no launch time: a packet handed over ahead of its media time (the sender's lead) goes at once. */
    sendRtp(packet: string): boolean {
        return this.connection.sendFrame(this.rtpChannel, packet);
    }

    sendRtcp(packet: string): boolean {
        return this.connection.sendFrame(this.rtcpChannel, packet);
    }
}

/** A channel's packets: to its multicast group, and to every RTSP receiver that joined it over unicast or TCP. */
export class FanOutSink implements PacketSink {
    readonly subscribers: PacketSink[] = [];

    constructor(private readonly primary: PacketSink) {}

    add(sink: PacketSink): void {
        if (this.subscribers.indexOf(sink) < 0) this.subscribers.push(sink);
    }

    remove(sink: PacketSink): void {
        const i = this.subscribers.indexOf(sink);
        if (i >= 0) this.subscribers.splice(i, 1);
    }

    sendRtp(packet: string, departUs?: number): boolean {
        const ok = this.primary.sendRtp(packet, departUs);
        for (const s of this.subscribers) s.sendRtp(packet, departUs);
        return ok;
    }

    sendRtcp(packet: string): boolean {
        const ok = this.primary.sendRtcp(packet);
        for (const s of this.subscribers) s.sendRtcp(packet);
        return ok;
    }
}
