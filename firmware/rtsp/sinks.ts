// Packet sinks per transport: UDP unicast from the server's socket pair, RTSP-interleaved TCP, and a fan-out for channels.
import { UdpSocket } from "../../hal/interfaces";
import { PacketSink } from "../stream/control";
import { RtspConnection } from "./connection";

/** RTP and RTCP to a receiver's port pair (unicast or a multicast group), from the server's shared sockets. */
export class UdpSink implements PacketSink {
    constructor(
        private readonly rtp: UdpSocket,
        private readonly rtcp: UdpSocket,
        readonly address: string,
        readonly rtpPort: number,
        readonly rtcpPort: number,
    ) {}

    sendRtp(packet: string): boolean {
        return this.rtp.send(this.rtpPort, this.address, packet);
    }

    sendRtcp(packet: string): boolean {
        return this.rtcp.send(this.rtcpPort, this.address, packet);
    }
}

/** `$`-framed packets on the RTSP connection; dropped (and counted by the connection) when its queue is full. */
export class InterleavedSink implements PacketSink {
    constructor(
        readonly connection: RtspConnection,
        readonly rtpChannel: number,
        readonly rtcpChannel: number,
    ) {}

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

    sendRtp(packet: string): boolean {
        const ok = this.primary.sendRtp(packet);
        for (const s of this.subscribers) s.sendRtp(packet);
        return ok;
    }

    sendRtcp(packet: string): boolean {
        const ok = this.primary.sendRtcp(packet);
        for (const s of this.subscribers) s.sendRtcp(packet);
        return ok;
    }
}
