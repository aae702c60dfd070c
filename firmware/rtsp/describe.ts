// The SDP this server hands out: for RTSP DESCRIBE (control and range attributes) and for SAP (multicast group and TTL).
import { Hal } from "../../hal/interfaces";
import { MediaInfo } from "../protocol/media";
import { sdpFor } from "../protocol/sdp";
import { TRACK } from "./url";

/** SDP for a unicast RTSP client; `live` streams (channels) have no range to seek in. */
export function describeSdp(hal: Hal, media: MediaInfo, name: string, live: boolean): string {
    return sdpFor(media, {
        // o= ids stay under 2^31: some Lua builds format integers through a 32-bit C long.
        sessionId: hal.random32() % 1000000000,
        sessionVersion: 1,
        originAddress: hal.localAddress(),
        name,
        connectionAddress: "0.0.0.0",
        port: 0,
        control: TRACK,
        rangeEndUs: live ? undefined : media.durationUs,
    });
}

export interface MulticastTarget {
    group: string;
    port: number;
    ttl: number;
}

/** SDP of a multicast channel, as SAP announces it (RFC 2974): the group, port and TTL are in it, no RTSP control. */
export function multicastSdp(media: MediaInfo, name: string, origin: string, sessionId: number, version: number, target: MulticastTarget): string {
    return sdpFor(media, {
        sessionId,
        sessionVersion: version,
        originAddress: origin,
        name,
        connectionAddress: target.group,
        ttl: target.ttl,
        port: target.port,
    });
}
