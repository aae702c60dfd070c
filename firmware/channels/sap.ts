// SAP (RFC 2974) announcements of the channels' SDP, so receivers such as VLC list them; deletions when a channel stops.
import { Hal, Timer, UdpSocket } from "../../hal/interfaces";
import { multicastSdp } from "../rtsp/describe";
import { Channel } from "./channel";

export interface SapConfig {
    /** Announce at all (default true). */
    enabled?: boolean;
    /** Seconds between announcements of each channel (default 30), randomised by ±1/3 as RFC 2974 §3.1 asks. */
    intervalS?: number;
    /** Global-scope SAP group and port by default; PulseAudio and PipeWire listen on 224.0.0.56. */
    group?: string;
    port?: number;
}

/** The four bytes of a dotted-quad IPv4 address (0.0.0.0 when it is not one). */
function ipv4Bytes(address: string): string {
    const [a, b, c, d] = string.match(address, "^(%d+)%.(%d+)%.(%d+)%.(%d+)$");
    if (a === undefined || b === undefined || c === undefined || d === undefined) return string.char(0, 0, 0, 0);
    return string.char(tonumber(a)! % 256, tonumber(b)! % 256, tonumber(c)! % 256, tonumber(d)! % 256);
}

/**
 * One SAP packet: V=1, IPv4 origin, no authentication or encryption, T=1 for a deletion; then the payload type and SDP.
 * The message id hash changes with the SDP (RFC 2974 §5), so it folds in the channel's version.
 */
export function sapPacket(deletion: boolean, hash: number, origin: string, sdp: string): string {
    const flags = deletion ? 0x24 : 0x20;
    return `${string.char(flags, 0, math.floor(hash / 256) % 256, hash % 256)}${ipv4Bytes(origin)}application/sdp\0${sdp}`;
}

export class SapAnnouncer {
    private readonly timer: Timer;
    private readonly intervalUs: number;
    private readonly group: string;
    private readonly port: number;
    /** Each channel's next announcement time, by name. */
    private readonly due = new LuaTable<string, number>();
    private readonly sessionIds = new LuaTable<string, number>();
    sent = 0;
    private closed = false;

    constructor(private readonly hal: Hal, private readonly socket: UdpSocket, private readonly channels: Channel[], config: SapConfig) {
        this.intervalUs = math.floor((config.intervalS ?? 30) * 1000000);
        this.group = config.group ?? "224.2.127.254";
        this.port = config.port ?? 9875;
        this.timer = hal.createTimer({ onFire: () => this.tick() });
        for (const c of channels) this.sessionIds.set(c.name, hal.random32() % 1000000000);
    }

    private sdp(channel: Channel): string | undefined {
        if (channel.media === undefined) return undefined;
        return multicastSdp(channel.media, channel.name, this.hal.localAddress(), this.sessionIds.get(channel.name)!, channel.version, {
            group: channel.group, port: channel.port, ttl: channel.ttl,
        });
    }

    private hash(channel: Channel): number {
        const h = (this.sessionIds.get(channel.name)! + channel.version * 40503) % 65535;
        return h + 1;
    }

    private send(channel: Channel, deletion: boolean): void {
        const sdp = this.sdp(channel);
        if (sdp === undefined) return;
        this.socket.send(this.port, this.group, sapPacket(deletion, this.hash(channel), this.hal.localAddress(), sdp));
        this.sent++;
    }

    /** A channel started a file or stopped: announce the change now rather than at the next interval. */
    changed(channel: Channel): void {
        if (this.closed) return;
        if (channel.state === "playing") {
            this.send(channel, false);
            this.due.set(channel.name, this.hal.clock.nowUs() + this.jittered());
            this.arm();
        } else {
            this.send(channel, true);
            this.due.delete(channel.name);
        }
    }

    private jittered(): number {
        const third = math.floor(this.intervalUs / 3);
        return this.intervalUs - third + (this.hal.random32() % (2 * third + 1));
    }

    private tick(): void {
        const now = this.hal.clock.nowUs();
        for (const c of this.channels) {
            const at = this.due.get(c.name);
            if (at !== undefined && at <= now && c.state === "playing") {
                this.send(c, false);
                this.due.set(c.name, now + this.jittered());
            }
        }
        this.arm();
    }

    private arm(): void {
        let next = -1;
        for (const [, at] of this.due) if (next < 0 || at < next) next = at;
        if (next >= 0) this.timer.at(next);
        else this.timer.cancel();
    }

    /** Sends a deletion for every channel still announced. */
    close(): void {
        if (this.closed) return;
        this.closed = true;
        for (const c of this.channels) if (this.due.get(c.name) !== undefined) this.send(c, true);
        this.timer.close();
    }
}
