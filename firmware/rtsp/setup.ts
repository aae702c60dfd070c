// SETUP: picks a transport, builds the packet sink, asks the streaming core to admit the stream, creates the session.
import { PacketSink } from "../stream/control";
import { RtspConnection } from "./connection";
import { reply, RtspContext, sessionHeader } from "./context";
import { RtspRequest } from "./message";
import { Response } from "./response";
import { rtcpKey, Session } from "./sessions";
import { InterleavedSink, UdpSink } from "./sinks";
import { multicastReply, tcpReply, TransportSpec, udpReply, chooseTransport } from "./transport";
import { int } from "./text";
import { UrlTarget } from "./url";

interface Delivery {
    sink?: PacketSink;
    transport: Session["transport"];
    destination: string;
    rtcpSource?: string;
    /** The Transport reply, given the stream's SSRC (unknown for channels). */
    answer: (ssrc?: number) => string;
}

/** The sink and reply for a transport choice; channels use their own group for multicast. */
function delivery(ctx: RtspContext, connection: RtspConnection, spec: TransportSpec, channelGroup?: [string, number, number]): Delivery {
    if (spec.kind === "udp") {
        const address = connection.address;
        const serverPort = ctx.rtp.port;
        return {
            sink: new UdpSink(ctx.hal, ctx.rtp, ctx.rtcp, address, spec.rtpPort, spec.rtcpPort),
            transport: "udp",
            destination: `${address}:${int(spec.rtpPort)}`,
            rtcpSource: rtcpKey(address, spec.rtcpPort),
            answer: ssrc => udpReply(spec.rtpPort, spec.rtcpPort, serverPort, ssrc ?? 0),
        };
    }
    if (spec.kind === "tcp") {
        let rtpChannel = spec.rtpChannel;
        let rtcpChannel = spec.rtcpChannel;
        if (rtpChannel === undefined || rtcpChannel === undefined) {
            rtpChannel = connection.nextChannel;
            rtcpChannel = rtpChannel + 1;
        }
        if (rtcpChannel + 1 > connection.nextChannel) connection.nextChannel = rtcpChannel + 1;
        const rtp = rtpChannel;
        const rtcp = rtcpChannel;
        return {
            sink: new InterleavedSink(connection, rtp, rtcp),
            transport: "tcp",
            destination: `interleaved:${int(rtp)}-${int(rtcp)}`,
            answer: ssrc => tcpReply(rtp, rtcp, ssrc ?? 0),
        };
    }
    if (channelGroup !== undefined) {
        const [group, port, ttl] = channelGroup;
        return { transport: "multicast", destination: `${group}:${int(port)}`, answer: () => multicastReply(group, port, ttl) };
    }
    const [g, p, t] = ctx.allocateGroup();
    const group = spec.destination ?? g;
    const port = spec.port ?? p;
    const ttl = spec.ttl !== undefined && spec.ttl < t ? spec.ttl : t;
    return {
        sink: new UdpSink(ctx.hal, ctx.rtp, ctx.rtcp, group, port, port + 1),
        transport: "multicast",
        destination: `${group}:${int(port)}`,
        answer: ssrc => multicastReply(group, port, ttl, ssrc),
    };
}

/** Handles SETUP; calls done() once answered (the core may answer later, after a storage read). */
export function handleSetup(ctx: RtspContext, connection: RtspConnection, request: RtspRequest, target: UrlTarget, done: () => void): void {
    const fail = (code: number): void => {
        reply(connection, new Response(code, request.cseq));
        done();
    };
    const sessionId = request.headers.get("session");
    if (sessionId !== undefined) {
        const [id] = string.match(sessionId, "^%s*([^;%s]+)");
        // One audio track per session: a second SETUP in a session is an aggregate this server does not offer.
        return fail(ctx.sessions.get(id ?? "") === undefined ? 454 : 459);
    }
    if (target.kind === "bad") return fail(400);
    if (target.kind === "server") return fail(404);
    const spec = chooseTransport(request.headers.get("transport"));
    if (spec === undefined) return fail(461);
    if (ctx.sessions.count + ctx.pendingSetups >= ctx.maxSessions) return fail(453);

    const now = ctx.hal.clock.nowUs();
    if (target.kind === "channel") {
        const channel = ctx.channels?.get(target.name);
        if (channel === undefined) return fail(404);
        const d = delivery(ctx, connection, spec, [channel.group, channel.port, channel.ttl]);
        const session: Session = {
            id: ctx.sessions.newId(), path: `channel/${channel.name}`, channel: channel.name, url: request.url, transport: d.transport,
            destination: d.destination, sink: d.sink, connection: d.transport === "tcp" ? connection : undefined,
            rtcpSource: d.rtcpSource, playing: false, lastSeenUs: now,
        };
        ctx.sessions.add(session);
        reply(connection, new Response(200, request.cseq).header("Session", sessionHeader(ctx, session)).header("Transport", d.answer()));
        return done();
    }

    const d = delivery(ctx, connection, spec);
    ctx.pendingSetups++;
    ctx.control.open(target.path, d.sink!, ctx.priority, (stream, refusal) => {
        ctx.pendingSetups--;
        if (stream === undefined) return fail(refusal !== undefined ? refusal.code : 500);
        if (connection.closed) {
            // The client left before it learnt the session id: nobody can use the stream.
            ctx.control.close(stream);
            return done();
        }
        const session: Session = {
            id: ctx.sessions.newId(), path: target.path, url: request.url, transport: d.transport, destination: d.destination,
            sink: d.sink, stream, connection: d.transport === "tcp" ? connection : undefined, rtcpSource: d.rtcpSource,
            playing: false, lastSeenUs: ctx.hal.clock.nowUs(),
        };
        ctx.sessions.add(session);
        ctx.ownStream(session);
        reply(connection, new Response(200, request.cseq).header("Session", sessionHeader(ctx, session)).header("Transport", d.answer(stream.ssrc)));
        done();
    });
}
