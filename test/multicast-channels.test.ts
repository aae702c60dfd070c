// Multicast channels: playlists into groups (loop or once), SAP announcements and deletions, and RTSP access to a channel.
import { strict as assert } from "assert";
import { Departure } from "../tools/harness/network";
import { eachLuaVersion } from "./support/firmware";
import { PORT, rtpTo, sessionId, SimRtspClient, startFake, UDP_BASE, withBoard } from "./rtsp-support";

const CHANNELS = (intervalS: number): string => `{ channels = {
    channels = {
        { name = "lobby", files = { "tone.wav", "dir/b.wav" }, group = "239.255.1.1", port = 5004, ttl = 3 },
        { name = "once", files = { "dir/b.wav" }, loop = false, group = "239.255.1.2", port = 5006 },
    },
    sap = { intervalS = ${intervalS} },
} }`;

interface Sap {
    atUs: number;
    deletion: boolean;
    hash: number;
    origin: string;
    sdp: string;
}

/** Decodes SAP packets (RFC 2974 §3) sent to the global SAP group, independently of the firmware's encoder. */
function saps(departures: Departure[]): Sap[] {
    return departures
        .filter(d => d.address === "224.2.127.254" && d.port === 9875)
        .map(d => {
            const b = d.data;
            assert.equal(b[0] >> 5, 1, "SAP version 1");
            assert.equal(b[0] & 0x10, 0, "IPv4 origin");
            assert.equal(b[1], 0, "no authentication data");
            const type = b.indexOf(0, 8);
            assert.equal(b.subarray(8, type).toString("latin1"), "application/sdp");
            return { atUs: d.atUs, deletion: (b[0] & 0x04) !== 0, hash: b.readUInt16BE(2), origin: [...b.subarray(4, 8)].join("."), sdp: b.subarray(type + 1).toString("latin1") };
        });
}

const session = (s: Sap): string => / (\d+) (\d+) IN IP4 /.exec(s.sdp)![1];
const version = (s: Sap): number => Number(/ (\d+) (\d+) IN IP4 /.exec(s.sdp)![2]);

eachLuaVersion("multicast channels", version_ => {
    it("plays each playlist into its group, looping or once, and announces every file with a new SAP version", () => {
        const { board, network } = startFake(version_, { packetsPerFile: 10 }, CHANNELS(30));
        withBoard(board, () => {
            board.world.runUntil(3_000_000);
            const log = board.evaluate<string[]>("rt.control.log").filter(l => l.startsWith("open"));
            const opened = log.map(l => l.split(" ")[2]);
            const lobby = opened.filter((_p, i) => i !== 1); // the second open is the "once" channel's
            assert.deepEqual(opened.slice(0, 2), ["tone.wav", "dir/b.wav"]);
            assert.deepEqual(lobby.slice(0, 6), ["tone.wav", "dir/b.wav", "tone.wav", "dir/b.wav", "tone.wav", "dir/b.wav"], "lobby loops over its files");
            const toLobby = network.departures.filter(d => d.address === "239.255.1.1" && d.port === 5004);
            const toOnce = network.departures.filter(d => d.address === "239.255.1.2" && d.port === 5006 && d.data.toString("latin1").startsWith("RTP"));
            assert.ok(toLobby.every(d => d.fromPort === UDP_BASE));
            assert.ok(toLobby.length >= 140, `lobby packets in 3 s: ${toLobby.length}`);
            assert.equal(toOnce.length, 10, "the once channel played its one file and stopped");
            assert.ok(network.departures.some(d => d.address === "239.255.1.2" && d.port === 5007 && d.data.toString("latin1").startsWith("BYE")));

            const all = saps(network.departures);
            assert.ok(all.every(s => s.origin === "127.0.0.1"));
            const lobbySaps = all.filter(s => s.sdp.includes("c=IN IP4 239.255.1.1/3"));
            assert.ok(lobbySaps.length >= lobby.length - 1, `one announcement per file: ${lobbySaps.length} for ${lobby.length} files`);
            assert.ok(lobbySaps.every(s => !s.deletion && s.sdp.includes("m=audio 5004 RTP/AVP 10") && s.sdp.includes("a=rtpmap:10 L16/44100/2")));
            assert.equal(new Set(lobbySaps.map(session)).size, 1, "one SAP session per channel");
            const versions = lobbySaps.map(version);
            assert.deepEqual(versions, [...versions].sort((a, b) => a - b), "versions only grow");
            assert.equal(new Set(lobbySaps.map(s => s.hash)).size, new Set(versions).size, "the message hash changes with the version");
            const onceSaps = all.filter(s => s.sdp.includes("c=IN IP4 239.255.1.2/1"));
            assert.deepEqual(onceSaps.map(s => s.deletion), [false, true], "announced, then deleted when it stopped");
            assert.equal(onceSaps[0].hash, onceSaps[1].hash, "a deletion names the announcement it withdraws");
        });
    });

    it("repeats announcements at the configured interval, randomised by at most a third", () => {
        const { board, network } = startFake(version_, {}, CHANNELS(6));
        withBoard(board, () => {
            board.world.runUntil(120_000_000);
            for (const group of ["239.255.1.1", "239.255.1.2"]) {
                const times = saps(network.departures).filter(s => s.sdp.includes(`c=IN IP4 ${group}/`)).map(s => s.atUs);
                assert.ok(times[0] < 100_000, "first announcement at once");
                const gaps = times.slice(1).map((t, i) => t - times[i]);
                assert.ok(gaps.length >= 120 / 8 - 1, `${gaps.length} repeats in 120 s`);
                for (const g of gaps) assert.ok(g >= 4_000_000 && g <= 8_000_000, `gap ${g} µs outside 6 s ± 1/3`);
                assert.ok(Math.max(...gaps) - Math.min(...gaps) > 0, "randomised, not a fixed period");
            }
        });
    });

    it("lets RTSP clients join a channel over UDP or TCP, and tells multicast clients the channel's group", () => {
        const { board, network } = startFake(version_, {}, CHANNELS(30));
        withBoard(board, () => {
            const c = new SimRtspClient(board, network, PORT);
            const url = `rtsp://127.0.0.1:${PORT}/channel/lobby`;
            const d = c.request("DESCRIBE", url);
            assert.equal(d.status, 200);
            assert.ok(d.body.includes("a=rtpmap:10 L16/44100/2") && d.body.includes("a=control:track1"));
            assert.ok(!d.body.includes("a=range:npt=0-"), "a channel has no seekable range");
            assert.equal(c.request("DESCRIBE", `rtsp://127.0.0.1:${PORT}/channel/nope`).status, 404);

            const m = c.request("SETUP", `${url}/track1`, { Transport: "RTP/AVP;multicast" });
            assert.equal(m.status, 200);
            assert.match(m.headers.transport, /^RTP\/AVP;multicast;destination=239\.255\.1\.1;port=5004-5005;ttl=3/);

            const u = c.request("SETUP", `${url}/track1`, { Transport: "RTP/AVP;unicast;client_port=6000-6001" });
            const play = c.request("PLAY", `${url}/`, { Session: sessionId(u) });
            assert.equal(play.status, 200);
            assert.equal(play.headers.range, "npt=now-");
            c.run(500_000);
            const unicast = rtpTo(network, 6000);
            const group = network.departures.filter(x => x.address === "239.255.1.1" && x.port === 5004).map(x => x.data.toString("latin1"));
            assert.ok(unicast.length >= 20, `unicast copies: ${unicast.length}`);
            const copies = network.departures.filter(x => x.port === 6000).map(x => x.data.toString("latin1"));
            assert.deepEqual(copies, group.slice(group.length - copies.length), "the same packets as the group, from the moment it joined");
            assert.equal(c.request("PAUSE", `${url}/`, { Session: sessionId(u) }).status, 200);
            const paused = rtpTo(network, 6000).length;
            c.run(300_000);
            assert.equal(rtpTo(network, 6000).length, paused, "paused member gets nothing");
            assert.ok(network.departures.filter(x => x.address === "239.255.1.1").length > group.length, "the group keeps playing");
            assert.equal(c.request("TEARDOWN", `${url}/`, { Session: sessionId(u) }).status, 200);

            const t = new SimRtspClient(board, network, PORT);
            const tcp = t.request("SETUP", `${url}/track1`, { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1" });
            assert.equal(t.request("PLAY", `${url}/`, { Session: sessionId(tcp) }).status, 200);
            t.run(300_000);
            const frames = t.parser.frames.map(f => f.data.toString("latin1"));
            const now = network.departures.filter(x => x.address === "239.255.1.1" && x.port === 5004).map(x => x.data.toString("latin1"));
            assert.ok(frames.length >= 10, `interleaved copies: ${frames.length}`);
            assert.deepEqual(frames, now.slice(now.length - frames.length));
            t.close();
            assert.deepEqual(board.evaluate("rt.server:counts()"), { sessions: 1, connections: 1 }, "the TCP member left with its connection; the multicast one stays");
        });
    });
});
