// The RTSP session table: ids, timeouts renewed by requests and RTCP, lookup of RTCP senders by address and port.
import { PacketSink, StreamView } from "../stream/control";
import { RtspConnection } from "./connection";
import { hex32, int } from "./text";

/** Key of a receiver's RTCP source address and port. */
export function rtcpKey(address: string, port: number): string {
    return `${address}:${int(port)}`;
}

export type SessionTransport = "udp" | "tcp" | "multicast";

export interface Session {
    readonly id: string;
    /** What the session plays: a card file, or a channel it joined. */
    readonly path: string;
    readonly channel?: string;
    /** The SETUP URL, echoed in RTP-Info (clients match it against their control URL). */
    readonly url: string;
    readonly transport: SessionTransport;
    /** Where packets go, for the status report. */
    readonly destination: string;
    readonly sink?: PacketSink;
    /** The file stream (undefined for channel sessions: the channel owns its stream). */
    stream?: StreamView;
    /** Connection the session is bound to (interleaved: it dies with it). */
    readonly connection?: RtspConnection;
    /** "address:port" of the receiver's RTCP, for renewals by receiver reports. */
    readonly rtcpSource?: string;
    playing: boolean;
    /** PLAY ran at least once (the stream left its start position). */
    started?: boolean;
    lastSeenUs: number;
}

export class SessionTable {
    private readonly byId = new LuaTable<string, Session>();
    private readonly byRtcp = new LuaTable<string, Session>();
    count = 0;

    constructor(private readonly random32: () => number) {}

    /** A fresh id: random, so a client cannot guess another's session. */
    newId(): string {
        for (;;) {
            const id = hex32(this.random32());
            if (this.byId.get(id) === undefined) return id;
        }
    }

    add(session: Session): void {
        this.byId.set(session.id, session);
        if (session.rtcpSource !== undefined) this.byRtcp.set(session.rtcpSource, session);
        this.count++;
    }

    get(id: string): Session | undefined {
        return this.byId.get(id);
    }

    byRtcpSource(address: string, port: number): Session | undefined {
        return this.byRtcp.get(rtcpKey(address, port));
    }

    remove(session: Session): void {
        if (this.byId.get(session.id) !== session) return;
        this.byId.delete(session.id);
        if (session.rtcpSource !== undefined && this.byRtcp.get(session.rtcpSource) === session) this.byRtcp.delete(session.rtcpSource);
        this.count--;
    }

    /** Every session, in no particular order (a copy: callers may remove while iterating). */
    all(): Session[] {
        const out: Session[] = [];
        for (const [, s] of this.byId) out.push(s);
        return out;
    }
}
