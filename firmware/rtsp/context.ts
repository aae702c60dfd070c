// What request handlers see of the server: its options, sockets, tables and the streaming core (no cycle back to server.ts).
import { Hal, UdpSocket } from "../../hal/interfaces";
import type { ChannelSet, ChannelsConfig } from "../channels/channels";
import { StreamControl } from "../stream/control";
import { RtspConnection } from "./connection";
import { RtspLimits } from "./message";
import { Response } from "./response";
import { Session, SessionTable } from "./sessions";
import { int } from "./text";

export interface RtspServerOptions {
    /** TCP port for RTSP (554 is the standard one, 8554 the usual unprivileged choice). */
    port: number;
    /** Address to listen on (all interfaces when absent). */
    address?: string;
    /** Seconds a session lives without a request or an RTCP report (RFC 2326 default 60). */
    sessionTimeoutS?: number;
    maxConnections?: number;
    /** Sessions at once; SETUPs beyond are answered 453. */
    maxSessions?: number;
    /** Even UDP port of the server's RTP socket; RTCP is on the next one. */
    udpPortBase?: number;
    /** Interleaved media frames queued per connection before they are dropped. */
    interleavedQueue?: number;
    /** Largest TCP write in bytes (NodeMCU: keep under the lwIP send buffer). */
    writeChunkBytes?: number;
    limits?: Partial<RtspLimits>;
    /** Multicast group prefix for sessions that ask for multicast without naming a group: "<prefix>.<n>". */
    multicastPrefix?: string;
    multicastPort?: number;
    multicastTtl?: number;
    /** Priority of RTSP streams in the streaming core (higher is served first). */
    priority?: number;
    /** Multicast channels (playlists sent to groups, announced with SAP), also reachable as rtsp://.../channel/<name>. */
    channels?: ChannelsConfig;
}

export interface RtspContext {
    readonly hal: Hal;
    readonly control: StreamControl;
    readonly sessions: SessionTable;
    readonly rtp: UdpSocket;
    readonly rtcp: UdpSocket;
    readonly channels?: ChannelSet;
    readonly timeoutS: number;
    readonly maxSessions: number;
    readonly priority: number;
    /** SETUPs admitted by the session count but waiting for the core's answer. */
    pendingSetups: number;
    /** The next multicast group and port for a session that did not ask for one. */
    allocateGroup(): LuaMultiReturn<[string, number, number]>;
    /** Ends a session: closes its stream (RTCP BYE) or leaves its channel, and drops it from the table. */
    endSession(session: Session): void;
    /** Remembers which session owns a stream (its end of file is reported per stream). */
    ownStream(session: Session): void;
    status(): string;
}

/** Sends a response on the connection. */
export function reply(connection: RtspConnection, response: Response): void {
    connection.send(response.text());
}

export function sessionHeader(ctx: RtspContext, session: Session): string {
    return `${session.id};timeout=${int(ctx.timeoutS)}`;
}
