// RTSP Transport header (RFC 2326 §12.39): picks the first alternative the server supports, formats the reply.
import { has, hex32, int } from "./text";

export type TransportSpec =
    | { kind: "udp"; rtpPort: number; rtcpPort: number }
    | { kind: "tcp"; rtpChannel?: number; rtcpChannel?: number }
    | { kind: "multicast"; destination?: string; port?: number; ttl?: number };

function pair(value: string | undefined): LuaMultiReturn<[number, number] | [undefined, undefined]> {
    if (value === undefined) return $multi(undefined, undefined);
    const [a, b] = string.match(value, "^(%d+)%-?(%d*)$");
    if (a === undefined) return $multi(undefined, undefined);
    const first = tonumber(a)!;
    const second = b !== undefined && b !== "" ? tonumber(b)! : first + 1;
    return $multi(first, second);
}

function isMulticast(address: string): boolean {
    const [a] = string.match(address, "^(%d+)%.%d+%.%d+%.%d+$");
    const n = a === undefined ? 0 : tonumber(a)!;
    return n >= 224 && n <= 239;
}

/** Parses one alternative ("RTP/AVP/TCP;unicast;interleaved=0-1"); undefined when the server cannot do it. */
function parseOne(text: string): TransportSpec | undefined {
    const params = new LuaTable<string, string>();
    let spec = "";
    let pos = 1;
    let index = 0;
    const length = string.len(text);
    while (pos <= length) {
        const [semi] = string.find(text, ";", pos, true);
        const stop = semi === undefined ? length : semi - 1;
        const [part] = string.match(string.sub(text, pos, stop), "^%s*(.-)%s*$");
        pos = stop + 2;
        if (index++ === 0) {
            spec = string.upper(part ?? "");
            continue;
        }
        const [key, value] = string.match(part ?? "", "^([^=]+)=?(.*)$");
        if (key !== undefined) params.set(string.lower(key), value ?? "");
    }
    if (params.get("mode") !== undefined && !has(string.upper(params.get("mode")!), "PLAY", true)) return undefined;
    const multicast = params.get("multicast") !== undefined;
    if (spec === "RTP/AVP/TCP") {
        if (multicast) return undefined;
        const [rtp, rtcp] = pair(params.get("interleaved"));
        if (params.get("interleaved") !== undefined && rtp === undefined) return undefined;
        if (rtp !== undefined && (rtp > 255 || rtcp! > 255)) return undefined;
        return { kind: "tcp", rtpChannel: rtp, rtcpChannel: rtcp };
    }
    if (spec !== "RTP/AVP" && spec !== "RTP/AVP/UDP") return undefined;
    if (multicast) {
        const destination = params.get("destination");
        const [port] = pair(params.get("port"));
        const ttl = tonumber(params.get("ttl") ?? "");
        return { kind: "multicast", destination: destination !== undefined && isMulticast(destination) ? destination : undefined, port, ttl };
    }
    const [rtpPort, rtcpPort] = pair(params.get("client_port"));
    if (rtpPort === undefined || rtpPort === 0 || rtpPort > 65535 || rtcpPort! > 65535) return undefined;
    return { kind: "udp", rtpPort, rtcpPort: rtcpPort! };
}

/** The first supported alternative of a Transport header (alternatives are comma-separated, in preference order). */
export function chooseTransport(header: string | undefined): TransportSpec | undefined {
    if (header === undefined) return undefined;
    let pos = 1;
    const length = string.len(header);
    while (pos <= length) {
        const [comma] = string.find(header, ",", pos, true);
        const stop = comma === undefined ? length : comma - 1;
        const spec = parseOne(string.sub(header, pos, stop));
        if (spec !== undefined) return spec;
        pos = stop + 2;
    }
    return undefined;
}

export function udpReply(clientRtp: number, clientRtcp: number, serverRtp: number, ssrc: number): string {
    return `RTP/AVP;unicast;client_port=${int(clientRtp)}-${int(clientRtcp)};server_port=${int(serverRtp)}-${int(serverRtp + 1)};ssrc=${hex32(ssrc)};mode=play`;
}

export function tcpReply(rtpChannel: number, rtcpChannel: number, ssrc: number): string {
    return `RTP/AVP/TCP;unicast;interleaved=${int(rtpChannel)}-${int(rtcpChannel)};ssrc=${hex32(ssrc)};mode=play`;
}

export function multicastReply(group: string, port: number, ttl: number, ssrc?: number): string {
    const tail = ssrc !== undefined ? `;ssrc=${hex32(ssrc)}` : "";
    return `RTP/AVP;multicast;destination=${group};port=${int(port)}-${int(port + 1)};ttl=${int(ttl)}${tail};mode=play`;
}
