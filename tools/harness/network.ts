// Networks behind the host board: the simulated one (virtual time, records departures) and the real one (loopback sockets).
import * as dgram from "dgram";
import * as net from "net";
import { DepartureThread } from "./departure-thread";

/** What a network needs from the board: the clock and a way to raise events in Lua. */
export interface EventSink {
    nowUs(): number;
    udpReceived(socketId: number, data: Buffer, port: number, address: string): void;
    tcpAccepted(serverId: number, connId: number, port: number, address: string): void;
    tcpData(connId: number, data: Buffer): void;
    tcpWritable(connId: number): void;
    tcpClosed(connId: number): void;
}

export interface Network {
    attach(sink: EventSink): void;
    udpOpen(port: number, address: string): { id: number; port: number } | { error: string };
    /** `departUs` > now: the datagram leaves then (held by a real network, stamped so by the simulated one). */
    udpSend(id: number, port: number, address: string, data: Uint8Array, departUs?: number): boolean;
    udpJoin(id: number, group: string): void;
    udpClose(id: number): void;
    tcpListen(port: number, address: string): { id: number; port: number } | { error: string };
    tcpServerClose(id: number): void;
    tcpWrite(connId: number, data: Uint8Array): void;
    tcpClose(connId: number): void;
    close(): void;
}

export interface Departure {
    /** When the datagram leaves: the send call's time, or the departure time it was stamped with if later. */
    atUs: number;
    /** When the board handed it to the socket. */
    handedUs: number;
    socketId: number;
    fromPort: number;
    port: number;
    address: string;
    data: Buffer;
}

/** A network in virtual time: every datagram is recorded with its departure time; tests inject arrivals. */
export class SimNetwork implements Network {
    readonly departures: Departure[] = [];
    /** Datagrams sent in all (also when departures are not kept). */
    sent = 0;
    /** `false` counts datagrams without keeping them (long soak runs). */
    constructor(private readonly keep = true) {}
    private sink?: EventSink;
    private nextId = 1;
    private nextPort = 40000;
    private sockets = new Map<number, number>();
    /** Makes udpSend fail (as lwIP's "out of memory" would) when it returns true. */
    failSend?: (d: Departure) => boolean;
    sendFailures = 0;
    /** Optional observer of each departure, e.g. a receiver model. */
    onDeparture?: (d: Departure) => void;
    private tcpListeners = new Map<number, number>();
    private tcpPeers = new Map<number, (data: Buffer | null) => void>();

    attach(sink: EventSink): void {
        this.sink = sink;
    }
    udpOpen(port: number): { id: number; port: number } {
        const id = this.nextId++;
        const p = port || this.nextPort++;
        this.sockets.set(id, p);
        return { id, port: p };
    }
    udpSend(id: number, port: number, address: string, data: Uint8Array, departUs = 0): boolean {
        const now = this.sink!.nowUs();
        const d: Departure = { atUs: Math.max(now, departUs), handedUs: now, socketId: id, fromPort: this.sockets.get(id) ?? 0, port, address, data: Buffer.from(data) };
        if (this.failSend && this.failSend(d)) {
            this.sendFailures++;
            return false;
        }
        this.sent++;
        if (this.keep) this.departures.push(d);
        this.onDeparture?.(d);
        return true;
    }
    udpJoin(): void {}
    udpClose(id: number): void {
        this.sockets.delete(id);
    }
    /** Delivers a datagram to the board's socket bound to `toPort`. */
    inject(toPort: number, data: Buffer, fromPort: number, fromAddress = "127.0.0.1"): void {
        for (const [id, p] of this.sockets) if (p === toPort) this.sink!.udpReceived(id, data, fromPort, fromAddress);
    }
    tcpListen(port: number): { id: number; port: number } {
        const id = this.nextId++;
        this.tcpListeners.set(port, id);
        return { id, port };
    }
    tcpServerClose(id: number): void {
        for (const [p, i] of this.tcpListeners) if (i === id) this.tcpListeners.delete(p);
    }
    /** A simulated client connects to the board; returns the connection's write/close functions. */
    connect(port: number, onData: (data: Buffer | null) => void): { write(data: string | Buffer): void; close(): void } {
        const serverId = this.tcpListeners.get(port);
        if (serverId === undefined) throw new Error(`nothing listens on simulated port ${port}`);
        const connId = this.nextId++;
        this.tcpPeers.set(connId, onData);
        this.sink!.tcpAccepted(serverId, connId, 50000 + connId, "127.0.0.1");
        return {
            write: data => this.sink!.tcpData(connId, Buffer.from(data as string, "latin1")),
            close: () => {
                this.tcpPeers.delete(connId);
                this.sink!.tcpClosed(connId);
            },
        };
    }
    tcpWrite(connId: number, data: Uint8Array): void {
        this.tcpPeers.get(connId)?.(Buffer.from(data));
        this.sink!.tcpWritable(connId);
    }
    tcpClose(connId: number): void {
        const peer = this.tcpPeers.get(connId);
        this.tcpPeers.delete(connId);
        peer?.(null);
    }
    close(): void {
        this.sockets.clear();
        this.tcpListeners.clear();
        this.tcpPeers.clear();
    }
}

/**
 * dgram resolves a destination through dns.lookup, which answers on process.nextTick even for an IP literal, so a send
 * would leave only when the real-time loop next yields. A synchronous lookup lets libuv send inside the call.
 */
export const syncLookup = (address: string, _o: unknown, cb: (e: Error | null, a: string, f: number) => void): void =>
    cb(null, address, address.includes(":") ? 6 : 4);

/** Real sockets: dgram and net on the given addresses (loopback in tests). */
export class RealNetwork implements Network {
    private readonly slots = new SendSlots();
    private readonly onSent = (err: Error | null): void => {
        if (err) this.sendErrors++;
    };
    /** Started with the first socket: datagrams sent ahead of their departure time wait and leave there. */
    private departures?: DepartureThread;
    private sink?: EventSink;
    private nextId = 1;
    private udp = new Map<number, dgram.Socket>();
    private servers = new Map<number, net.Server>();
    private conns = new Map<number, net.Socket>();
    /** Datagrams the stack refused (EAGAIN, no route...). */
    sendErrors = 0;

    attach(sink: EventSink): void {
        this.sink = sink;
    }
    udpOpen(port: number, address: string): { id: number; port: number } | { error: string } {
        const id = this.nextId++;
        const family = address.includes(":") ? "udp6" : "udp4";
        const sock = dgram.createSocket({ type: family, reuseAddr: true, lookup: syncLookup as never });
        // Before any stream plays, so that the thread exists when the sender's scheduling policy is raised. The listener
        // goes first: with a synchronous lookup the bind can complete inside bind().
        const departures = (this.departures ??= new DepartureThread((socketId, data, port, address) => this.sink?.udpReceived(socketId, data, port, address)));
        sock.on("listening", () => departures.twin(id, sock));
        try {
            // Bind synchronously enough for the answer: Node binds on next tick, so report the requested port.
            sock.bind(port, address === "0.0.0.0" ? undefined : address);
        } catch (e) {
            return { error: String(e) };
        }
        sock.on("message", (msg, rinfo) => this.sink?.udpReceived(id, msg, rinfo.port, rinfo.address));
        sock.on("error", () => this.sendErrors++);
        this.udp.set(id, sock);
        return { id, port };
    }
    /** Settles when datagrams sent ahead can leave on time (the departure thread runs). */
    async ready(): Promise<void> {
        await this.departures?.started;
    }
    udpSend(id: number, port: number, address: string, data: Uint8Array, departUs = 0): boolean {
        const sock = this.udp.get(id);
        if (!sock) return false;
        const now = this.sink!.nowUs();
        if (departUs > now && this.departures?.hold(id, performance.now() + (departUs - now) / 1000, data, port, address)) return true;
        sock.send(this.slots.copy(data), port, address, this.onSent);
        return true;
    }
    udpJoin(id: number, group: string): void {
        try {
            this.udp.get(id)?.addMembership(group);
        } catch {
            /* like NodeMCU: a failed join is silent */
        }
    }
    udpClose(id: number): void {
        const sock = this.udp.get(id);
        this.departures?.forget(id);
        sock?.close();
        this.udp.delete(id);
    }
    tcpListen(port: number, address: string): { id: number; port: number } | { error: string } {
        const id = this.nextId++;
        const server = net.createServer(sock => {
            const connId = this.nextId++;
            sock.setNoDelay(true);
            this.conns.set(connId, sock);
            sock.on("data", (d: Buffer) => this.sink?.tcpData(connId, d));
            sock.on("error", () => undefined);
            sock.on("close", () => {
                if (this.conns.delete(connId)) this.sink?.tcpClosed(connId);
            });
            this.sink?.tcpAccepted(id, connId, sock.remotePort ?? 0, sock.remoteAddress ?? "");
        });
        server.on("error", () => undefined);
        server.listen(port, address);
        this.servers.set(id, server);
        return { id, port };
    }
    tcpServerClose(id: number): void {
        this.servers.get(id)?.close();
        this.servers.delete(id);
    }
    tcpWrite(connId: number, data: Uint8Array): void {
        const sock = this.conns.get(connId);
        if (!sock) return;
        sock.write(Buffer.from(data), () => this.sink?.tcpWritable(connId));
    }
    tcpClose(connId: number): void {
        const sock = this.conns.get(connId);
        this.conns.delete(connId);
        sock?.end();
        sock?.destroySoon?.();
    }
    close(): void {
        this.departures?.close();
        for (const s of this.udp.values()) s.close();
        for (const s of this.servers.values()) s.close();
        for (const s of this.conns.values()) s.destroy();
        this.udp.clear();
        this.servers.clear();
        this.conns.clear();
    }
}

/**
 * Copies of outgoing datagrams in a ring of buffers made once: the bridge reuses its blob buffer for the next frame, so a
 * datagram is copied before dgram may read it, and a fresh Buffer per packet would be external memory that V8 answers
 * with full collections every few seconds. A slot is reused 256 datagrams later; on loopback a send that the kernel could
 * not take at once completes within one event-loop turn, long before.
 */
export class SendSlots {
    private readonly slots: Buffer[] = [];
    private next = 0;

    constructor(private readonly count = 256, private readonly slotBytes = 2048) {}

    copy(data: Uint8Array): Buffer {
        if (data.length > this.slotBytes) return Buffer.from(data);
        let slot = this.slots[this.next];
        if (slot === undefined) slot = this.slots[this.next] = Buffer.allocUnsafeSlow(this.slotBytes);
        this.next = (this.next + 1) % this.count;
        slot.set(data);
        return slot.subarray(0, data.length);
    }
}
