// A UDP-only real network for the bench: like the harness's RealNetwork, but each datagram leaves inside the send call.
import * as dgram from "dgram";
import { EventSink, Network, SendSlots } from "../harness/network";

/**
 * dgram resolves the destination through dns.lookup, whose answer comes on process.nextTick even for an IP literal; the
 * real-time loop spins between close events without yielding, so those sends would leave in bursts at the next yield. A
 * synchronous lookup makes libuv send at once, so the receiver sees the firmware's pacing, not the loop's yields.
 */
const syncLookup = (address: string, _o: unknown, cb: (e: Error | null, a: string, f: number) => void): void => cb(null, address, 4);

export class LoopbackUdp implements Network {
    private sockets = new Map<number, dgram.Socket>();
    private nextId = 1;
    private sink?: EventSink;
    sendErrors = 0;
    private readonly slots = new SendSlots();
    private readonly onSent = (err: Error | null): void => {
        if (err) this.sendErrors++;
    };

    attach(sink: EventSink): void {
        this.sink = sink;
    }
    udpOpen(port: number): { id: number; port: number } {
        const id = this.nextId++;
        const sock = dgram.createSocket({ type: "udp4", lookup: syncLookup as never });
        sock.on("error", () => this.sendErrors++);
        sock.on("message", (msg, r) => this.sink?.udpReceived(id, msg, r.port, r.address));
        sock.bind(port, "127.0.0.1");
        this.sockets.set(id, sock);
        return { id, port };
    }
    udpSend(id: number, port: number, address: string, data: Uint8Array): boolean {
        const sock = this.sockets.get(id);
        if (!sock) return false;
        sock.send(this.slots.copy(data), port, address, this.onSent);
        return true;
    }
    udpJoin(): void {}
    udpClose(id: number): void {
        this.sockets.get(id)?.close();
        this.sockets.delete(id);
    }
    tcpListen(): { error: string } {
        return { error: "the bench network has no TCP" };
    }
    tcpServerClose(): void {}
    tcpWrite(): void {}
    tcpClose(): void {}
    close(): void {
        for (const s of this.sockets.values()) s.close();
        this.sockets.clear();
    }
}
