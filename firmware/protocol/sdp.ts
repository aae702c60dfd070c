// SDP (RFC 8866) describing one audio stream: session lines, RTSP control and range, rtpmap, multicast TTL.
import { MediaInfo } from "./media";

export interface SdpOptions {
    sessionId: number;
    sessionVersion: number;
    /** Address in the o= line (the board's). */
    originAddress: string;
    /** Session name (s=); CR and LF are replaced. */
    name: string;
    /** Address in the c= line: the destination group for multicast, 0.0.0.0 or the board under RTSP. */
    connectionAddress: string;
    /** Multicast TTL; a multicast address without one gets 16 (RFC 8866 §5.7 makes the TTL mandatory for IPv4 multicast). */
    ttl?: number;
    port: number;
    /** Media-level control URL under RTSP (e.g. "track1"); adds a=control:* at session level. */
    control?: string;
    /** Adds a=range:npt=0-<end> (RFC 2326 C.1.5). */
    rangeEndUs?: number;
    /** Adds a=ptime (packet duration in ms). */
    ptimeMs?: number;
}

const floor = math.floor;

/** An integer as decimal text; %.0f because %d is 32-bit on Lua 5.1 builds (session ids are NTP-sized). */
function int(n: number): string {
    return string.format("%.0f", n);
}

function clean(text: string): string {
    const [s] = string.gsub(text, "[\r\n]", " ");
    return s;
}

function isMulticast(address: string): boolean {
    const [first] = string.match(address, "^(%d+)%.");
    const n = first === undefined ? undefined : tonumber(first);
    return n !== undefined && n >= 224 && n <= 239;
}

/** NPT seconds with millisecond precision, e.g. 12.345. */
export function npt(us: number): string {
    const ms = floor(us / 1000);
    return string.format("%d.%03d", floor(ms / 1000), ms % 1000);
}

/** a=rtpmap value: "<pt> <encoding>/<clock>[/<channels>]"; channels omitted when 1 and for MPA (RFC 3551 gives none). */
export function rtpmap(media: MediaInfo): string {
    const channels = media.encoding !== "MPA" && media.channels > 1 ? `/${int(media.channels)}` : "";
    return `${int(media.payloadType)} ${media.encoding}/${int(media.clockRate)}${channels}`;
}

function ptime(ms: number): string {
    if (floor(ms) === ms) return int(ms);
    const [s] = string.gsub(string.format("%.2f", ms), "%.?0+$", "");
    return s;
}

export function sdpFor(media: MediaInfo, o: SdpOptions): string {
    let ttl = "";
    if (o.ttl !== undefined) ttl = `/${int(o.ttl)}`;
    else if (isMulticast(o.connectionAddress)) ttl = "/16";
    const lines: string[] = [
        "v=0",
        `o=- ${int(o.sessionId)} ${int(o.sessionVersion)} IN IP4 ${o.originAddress}`,
        `s=${clean(o.name === "" ? "-" : o.name)}`,
        `c=IN IP4 ${o.connectionAddress}${ttl}`,
        "t=0 0",
        "a=tool:ringcast",
    ];
    if (o.control !== undefined) lines.push("a=control:*");
    if (o.rangeEndUs !== undefined) lines.push(`a=range:npt=0-${npt(o.rangeEndUs)}`);
    lines.push(`m=audio ${int(o.port)} RTP/AVP ${int(media.payloadType)}`);
    lines.push(`a=rtpmap:${rtpmap(media)}`);
    if (o.ptimeMs !== undefined) lines.push(`a=ptime:${ptime(o.ptimeMs)}`);
    lines.push("a=sendonly");
    if (o.control !== undefined) lines.push(`a=control:${o.control}`);
    return table.concat(lines, "\r\n") + "\r\n";
}
