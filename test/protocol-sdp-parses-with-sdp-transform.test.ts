// The SDP for each encoding parses with sdp-transform: origin, connection (multicast TTL), RTSP control and range, rtpmap.
import { strict as assert } from "assert";
import * as sdpTransform from "sdp-transform";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { HostBoard } from "../tools/harness/host-board";

interface Media {
    encoding: string;
    payloadType: number;
    clockRate: number;
    channels: number;
    durationUs: number;
}

const MEDIA: Media[] = [
    { encoding: "PCMU", payloadType: 0, clockRate: 8000, channels: 1, durationUs: 61_500_000 },
    { encoding: "PCMA", payloadType: 8, clockRate: 8000, channels: 1, durationUs: 1_000 },
    { encoding: "L16", payloadType: 10, clockRate: 44100, channels: 2, durationUs: 3_723_456_789 },
    { encoding: "L16", payloadType: 11, clockRate: 44100, channels: 1, durationUs: 999 },
    { encoding: "L16", payloadType: 96, clockRate: 48000, channels: 2, durationUs: 5_000_000 },
    { encoding: "L24", payloadType: 96, clockRate: 96000, channels: 6, durationUs: 5_000_000 },
    { encoding: "L8", payloadType: 96, clockRate: 22050, channels: 1, durationUs: 5_000_000 },
    { encoding: "MPA", payloadType: 14, clockRate: 90000, channels: 2, durationUs: 215_000_000 },
];

function luaMedia(m: Media): string {
    return `{ encoding = "${m.encoding}", payloadType = ${m.payloadType}, clockRate = ${m.clockRate}, sampleRate = ${m.clockRate}, channels = ${m.channels}, durationUs = ${m.durationUs} }`;
}

function sdp(board: HostBoard, m: Media, options: string): string {
    return board.evaluate<string>(`require("firmware.protocol.sdp").sdpFor(${luaMedia(m)}, ${options})`);
}

eachLuaVersion("protocol: SDP parses with sdp-transform", version => {
    let board: HostBoard;
    beforeEach(() => {
        board = testBoard(version);
    });
    afterEach(() => board.close());

    for (const m of MEDIA) {
        it(`describes ${m.encoding}/${m.clockRate}/${m.channels} (PT ${m.payloadType}) for RTSP`, () => {
            const text = sdp(
                board,
                m,
                `{ sessionId = 3900000001, sessionVersion = 2, originAddress = "192.168.1.50", name = "tone.wav", connectionAddress = "0.0.0.0", port = 0, control = "track1", rangeEndUs = ${m.durationUs}, ptimeMs = 20 }`,
            );
            assert.ok(text.endsWith("\r\n"));
            assert.ok(!/[^\r]\n/.test(text), "every line ends in CRLF");
            const lines = text.split("\r\n").slice(0, -1);
            // RFC 8866 §5 order: v, o, s, c, t, then attributes; m= after the session part.
            assert.deepEqual(lines.slice(0, 5).map(l => l[0]), ["v", "o", "s", "c", "t"]);
            const s = sdpTransform.parse(text);
            assert.equal(s.version, 0);
            assert.deepEqual(
                { user: s.origin!.username, id: String(s.origin!.sessionId), ver: s.origin!.sessionVersion, net: s.origin!.netType, ip: s.origin!.ipVer, addr: s.origin!.address },
                { user: "-", id: "3900000001", ver: 2, net: "IN", ip: 4, addr: "192.168.1.50" },
            );
            assert.equal(s.name, "tone.wav");
            assert.deepEqual(s.connection, { version: 4, ip: "0.0.0.0" });
            assert.deepEqual(s.timing, { start: 0, stop: 0 });
            assert.equal(s.control, "*");
            // sdp-transform has no grammar for a=tool and a=range: it keeps them, at session level, as unparsed attributes.
            const other = ((s as unknown as { invalid?: Array<{ value: string }> }).invalid ?? []).map(x => x.value);
            assert.ok(other.includes("tool:ringcast"), "a=tool:ringcast");
            const range = other.find(v => v.startsWith("range:"))!.slice(6);
            const secs = Math.floor(m.durationUs / 1000) / 1000;
            assert.equal(range, `npt=0-${secs.toFixed(3)}`);
            assert.equal(s.media.length, 1);
            const a = s.media[0];
            assert.deepEqual([a.type, a.port, a.protocol, String(a.payloads)], ["audio", 0, "RTP/AVP", String(m.payloadType)]);
            assert.equal(a.rtp.length, 1, "an rtpmap even for a static payload type");
            const map = a.rtp[0];
            assert.equal(map.payload, m.payloadType);
            assert.equal(map.codec, m.encoding);
            assert.equal(map.rate, m.clockRate);
            // Channels omitted when 1 (RFC 8866 §6.6) and for MPA (RFC 3551 has no channel parameter for it).
            assert.equal(map.encoding, m.channels > 1 && m.encoding !== "MPA" ? m.channels : undefined);
            assert.equal(a.ptime, 20);
            assert.equal(a.direction, "sendonly");
            assert.equal(a.control, "track1");
        });
    }

    it("multicast: the c= line carries the TTL, given or defaulted, and no RTSP control without one", () => {
        const given = sdpTransform.parse(sdp(board, MEDIA[2], `{ sessionId = 1, sessionVersion = 1, originAddress = "10.0.0.2", name = "radio", connectionAddress = "239.1.2.3", ttl = 4, port = 5004 }`));
        assert.deepEqual(given.connection, { version: 4, ip: "239.1.2.3/4" });
        assert.equal(given.media[0].port, 5004);
        assert.equal(given.control, undefined);
        assert.equal(given.media[0].control, undefined);
        const text = sdp(board, MEDIA[0], `{ sessionId = 1, sessionVersion = 1, originAddress = "10.0.0.2", name = "radio", connectionAddress = "239.255.0.9", port = 5006 }`);
        assert.ok(text.includes("\r\nc=IN IP4 239.255.0.9/16\r\n"), "IPv4 multicast needs a TTL (RFC 8866 §5.7)");
        assert.ok(!text.includes("a=range"));
        assert.ok(!text.includes("a=ptime"));
    });

    it("keeps one line per field whatever the session name holds, and writes a fractional ptime", () => {
        const text = sdp(board, MEDIA[4], `{ sessionId = 7, sessionVersion = 1, originAddress = "10.0.0.2", name = "a\\r\\nb=evil", connectionAddress = "0.0.0.0", port = 0, ptimeMs = 350 / 44.1 }`);
        const s = sdpTransform.parse(text);
        assert.equal(s.name, "a  b=evil");
        assert.equal((s as unknown as { b?: unknown }).b, undefined);
        assert.equal(s.media[0].ptime, 7.94);
        const empty = sdpTransform.parse(sdp(board, MEDIA[4], `{ sessionId = 7, sessionVersion = 1, originAddress = "10.0.0.2", name = "", connectionAddress = "0.0.0.0", port = 0 }`));
        assert.equal(empty.name, "-", "s= may not be empty");
    });
});
