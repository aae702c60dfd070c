// The RTSP 1.0 server: accepts bounded connections, runs requests in order per connection, reclaims idle sessions.
import { Hal, TcpConnection, TcpServer, Timer, UdpSocket } from "../../hal/interfaces";
import { ChannelSet } from "../channels/channels";
import { StreamControl, StreamView } from "../stream/control";
import { RtspConnection } from "./connection";
import { reply, RtspContext, RtspServerOptions } from "./context";
import { DEFAULT_LIMITS, RtspLimits } from "./message";
import { handleRequest } from "./methods";
import { Response } from "./response";
import { Session, SessionTable } from "./sessions";
import { renderStatus } from "./status";
import { int } from "./text";

export { RtspServerOptions };

export interface RtspServer {
    readonly port: number;
    /** The server's RTP port (RTCP is the next one). */
    readonly udpPort: number;
    status(): string;
    counts(): { sessions: number; connections: number };
    close(): void;
}

class Server implements RtspContext, RtspServer {
    readonly sessions: SessionTable;
    readonly rtp: UdpSocket;
    readonly rtcp: UdpSocket;
    readonly channels?: ChannelSet;
    readonly timeoutS: number;
    readonly maxSessions: number;
    readonly maxConnections: number;
    readonly priority: number;
    pendingSetups = 0;
    private readonly tcp: TcpServer;
    private readonly limits: RtspLimits;
    private readonly connections = new LuaTable<number, RtspConnection>();
    private connectionCount = 0;
    private nextConnectionId = 1;
    private readonly owners = new LuaTable<number, Session>();
    private readonly reaper: Timer;
    private groupCounter = 0;
    private closed = false;

    constructor(readonly hal: Hal, readonly control: StreamControl, private readonly options: RtspServerOptions) {
        this.timeoutS = options.sessionTimeoutS ?? 60;
        this.maxSessions = options.maxSessions ?? 8;
        this.maxConnections = options.maxConnections ?? this.maxSessions + 2;
        this.priority = options.priority ?? 1;
        const l = options.limits ?? {};
        this.limits = {
            maxHeaderBytes: l.maxHeaderBytes ?? DEFAULT_LIMITS.maxHeaderBytes,
            maxHeaderLines: l.maxHeaderLines ?? DEFAULT_LIMITS.maxHeaderLines,
            maxBodyBytes: l.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes,
            maxFrameBytes: l.maxFrameBytes ?? DEFAULT_LIMITS.maxFrameBytes,
        };
        this.sessions = new SessionTable(() => hal.random32());
        const base = options.udpPortBase ?? 6970;
        // Any datagram from a receiver's port pair renews its session: RTCP receiver reports, NAT punch packets.
        this.rtp = hal.createUdpSocket({ port: base, address: options.address, onReceive: (_d, port, address) => this.heard(address, port + 1) });
        this.rtcp = hal.createUdpSocket({ port: base + 1, address: options.address, onReceive: (_d, port, address) => this.heard(address, port) });
        if (options.channels !== undefined) this.channels = new ChannelSet(hal, control, this.rtp, this.rtcp, options.channels, options.priority ?? 1);
        control.setOnEnded((stream, reason) => this.ended(stream, reason));
        this.tcp = hal.createTcpServer({ port: options.port, address: options.address, onConnect: c => this.accept(c) });
        this.reaper = hal.createTimer({ onFire: () => this.reap() });
        this.reaper.at(hal.clock.nowUs() + this.reapPeriodUs());
        this.channels?.start();
    }

    get port(): number {
        return this.tcp.port;
    }

    get udpPort(): number {
        return this.rtp.port;
    }

    private reapPeriodUs(): number {
        const s = this.timeoutS / 4;
        return math.floor((s < 1 ? 1 : s > 5 ? 5 : s) * 1000000);
    }

    private heard(address: string, rtcpPort: number): void {
        const s = this.sessions.byRtcpSource(address, rtcpPort);
        if (s !== undefined) s.lastSeenUs = this.hal.clock.nowUs();
    }

    private accept(tcp: TcpConnection): void {
        const now = this.hal.clock.nowUs();
        const o = this.options;
        const c = new RtspConnection(tcp, this.nextConnectionId++, this.limits, o.interleavedQueue ?? 16, now, o.writeChunkBytes);
        tcp.setCallbacks({
            onReceive: data => this.received(c, data),
            onWritable: () => c.written(),
            onClose: () => c.closedByPeer(),
        });
        if (this.closed || this.connectionCount >= this.maxConnections) {
            // Over the bound: say so and hang up, without reading anything from it.
            c.send(new Response(503, undefined).text());
            c.finish();
            return;
        }
        this.connections.set(c.id, c);
        this.connectionCount++;
        c.onClosed = conn => this.dropped(conn);
    }

    private received(c: RtspConnection, data: string): void {
        if (c.closed || this.connections.get(c.id) !== c) return;
        c.lastActivityUs = this.hal.clock.nowUs();
        c.reader.push(data);
        // While an answer is pending nothing is parsed: a client that keeps sending then must not grow the heap.
        const l = this.limits;
        if (c.reader.pending > l.maxHeaderBytes + l.maxBodyBytes + 4 * l.maxFrameBytes) {
            reply(c, new Response(400, undefined));
            c.finish();
            return;
        }
        this.pump(c);
    }

    /** Handles complete items in order; stops while an answer is pending so responses keep the requests' order. */
    private pump(c: RtspConnection): void {
        while (!c.closed && !c.busy) {
            const item = c.reader.next();
            if (item === undefined) return;
            if (item.kind === "frame") {
                // Receiver reports on the connection renew the sessions bound to it.
                for (const s of this.sessions.all()) if (s.connection === c) s.lastSeenUs = c.lastActivityUs;
            } else if (item.kind === "error") {
                reply(c, new Response(item.status, item.cseq));
                if (item.fatal) c.finish();
            } else {
                c.busy = true;
                let sync = true;
                handleRequest(this, c, item.request, () => {
                    c.busy = false;
                    if (!sync) this.pump(c);
                });
                sync = false;
            }
        }
    }

    private dropped(c: RtspConnection): void {
        if (this.connections.get(c.id) !== c) return;
        this.connections.delete(c.id);
        this.connectionCount--;
        // Interleaved sessions cannot outlive their connection; UDP ones live on until TEARDOWN or their timeout.
        for (const s of this.sessions.all()) if (s.connection === c) this.endSession(s);
    }

    ownStream(session: Session): void {
        if (session.stream !== undefined) this.owners.set(session.stream.id, session);
    }

    endSession(session: Session): void {
        this.sessions.remove(session);
        if (session.stream !== undefined) {
            this.owners.delete(session.stream.id);
            this.control.close(session.stream);
        }
        if (session.channel !== undefined && session.sink !== undefined) this.channels?.get(session.channel)?.sink.remove(session.sink);
    }

    private ended(stream: StreamView, reason: string): void {
        const s = this.owners.get(stream.id);
        if (s !== undefined) {
            s.playing = false;
            return;
        }
        if (this.channels !== undefined && this.channels.ended(stream)) return;
        this.hal.log(`rtsp: stream ${int(stream.id)} (${stream.path}) ended: ${reason}`);
    }

    private reap(): void {
        if (this.closed) return;
        const now = this.hal.clock.nowUs();
        const limit = this.timeoutS * 1000000;
        for (const s of this.sessions.all()) if (now - s.lastSeenUs > limit) this.endSession(s);
        const idle: RtspConnection[] = [];
        for (const [, c] of this.connections) if (!c.busy && now - c.lastActivityUs > limit) idle.push(c);
        for (const c of idle) {
            let bound = false;
            for (const s of this.sessions.all()) if (s.connection === c) bound = true;
            if (!bound) c.close();
        }
        this.reaper.at(now + this.reapPeriodUs());
    }

    allocateGroup(): LuaMultiReturn<[string, number, number]> {
        this.groupCounter = (this.groupCounter % 254) + 1;
        return $multi(`${this.options.multicastPrefix ?? "239.255.73"}.${int(this.groupCounter)}`, this.options.multicastPort ?? 5004, this.options.multicastTtl ?? 1);
    }

    counts(): { sessions: number; connections: number } {
        return { sessions: this.sessions.count, connections: this.connectionCount };
    }

    status(): string {
        let drops = 0;
        for (const [, c] of this.connections) drops += c.mediaDrops;
        const [heapKb] = this.hal.memory();
        return renderStatus({
            nowUs: this.hal.clock.nowUs(), sessions: this.sessions.all(), maxSessions: this.maxSessions, connections: this.connectionCount,
            maxConnections: this.maxConnections, mediaDrops: drops, streams: this.control.streams(),
            channelLines: this.channels !== undefined ? this.channels.statusLines() : [], heapKb,
        });
    }

    /** Stops serving: every stream gets its RTCP BYE, sockets close. */
    close(): void {
        if (this.closed) return;
        this.closed = true;
        this.reaper.close();
        this.tcp.close();
        for (const s of this.sessions.all()) this.endSession(s);
        this.channels?.close();
        const open: RtspConnection[] = [];
        for (const [, c] of this.connections) open.push(c);
        for (const c of open) c.finish();
        // The BYEs just queued may still be on their way through the stack (the host's sends are asynchronous).
        const linger = this.hal.createTimer({
            onFire: () => {
                linger.close();
                this.rtp.close();
                this.rtcp.close();
            },
        });
        linger.at(this.hal.clock.nowUs() + 50000);
    }
}

/** Starts the RTSP server (and the multicast channels, when configured) on the board. */
export function startRtspServer(hal: Hal, control: StreamControl, options: RtspServerOptions): RtspServer {
    return new Server(hal, control, options);
}
