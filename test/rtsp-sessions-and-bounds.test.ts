// Sessions time out unless renewed (request or RTCP); connections, sessions and the interleaved queue stay bounded.
import { strict as assert } from "assert";
import { eachLuaVersion } from "./support/firmware";
import { PORT, rtpTo, sessionId, SimRtspClient, startFake, UDP_BASE, withBoard } from "./rtsp-support";

const U = `rtsp://127.0.0.1:${PORT}`;
const UDP = (a: number): Record<string, string> => ({ Transport: `RTP/AVP;unicast;client_port=${a}-${a + 1}` });
/** An RTCP receiver report header (V=2, RC=0, PT=201, length 1) plus the reporter's SSRC. */
const RR = Buffer.from([0x80, 201, 0, 1, 1, 2, 3, 4]);

eachLuaVersion("RTSP sessions and bounds", version => {
    it("reclaims a silent session after its timeout (with a BYE) and keeps sessions renewed by requests or RTCP", () => {
        const { board, network } = startFake(version, {}, "{ sessionTimeoutS = 4 }");
        withBoard(board, () => {
            const c = new SimRtspClient(board, network, PORT);
            const setup = (port: number): string => {
                const r = c.request("SETUP", `${U}/tone.wav/track1`, UDP(port));
                assert.match(r.headers.session, /;timeout=4$/);
                const id = sessionId(r);
                assert.equal(c.request("PLAY", `${U}/tone.wav/`, { Session: id }).status, 200);
                return id;
            };
            const silent = setup(5000);
            const byRequest = setup(5010);
            setup(5020); // renewed by receiver reports from its RTCP port
            const wrongPort = setup(5030); // reports from a port that is not its RTCP port do not count
            for (let t = 0; t < 20; t++) {
                c.run(1_000_000);
                if (t % 2 === 0) {
                    assert.equal(c.request("GET_PARAMETER", `${U}/tone.wav/`, { Session: byRequest }).status, 200);
                    network.inject(UDP_BASE + 1, RR, 5021);
                    network.inject(UDP_BASE + 1, RR, 5030);
                }
            }
            assert.equal(c.request("PLAY", `${U}/tone.wav/`, { Session: silent }).status, 454, "silent session reclaimed");
            assert.equal(c.request("PLAY", `${U}/tone.wav/`, { Session: wrongPort }).status, 454);
            assert.equal(c.request("PAUSE", `${U}/tone.wav/`, { Session: byRequest }).status, 200);
            assert.ok(network.departures.some(d => d.port === 5001 && d.data.toString("latin1").startsWith("BYE")), "reclaimed stream said BYE");
            const lastToSilent = rtpTo(network, 5000).pop()!;
            assert.ok(lastToSilent.atUs <= 4_000_000 + 5_000_000, `silent session streamed until ${lastToSilent.atUs} µs`);
            assert.ok(rtpTo(network, 5020).pop()!.atUs > 19_000_000, "RTCP-renewed session still streams");
            assert.deepEqual(board.evaluate("rt.server:counts()"), { sessions: 2, connections: 1 });
        });
    });

    it("renews an interleaved session by the receiver reports on its connection, and closes idle connections", () => {
        const { board, network } = startFake(version, {}, "{ sessionTimeoutS = 4 }");
        withBoard(board, () => {
            const c = new SimRtspClient(board, network, PORT);
            const r = c.request("SETUP", `${U}/tone.wav/track1`, { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1" });
            c.request("PLAY", `${U}/tone.wav/`, { Session: sessionId(r) });
            const idle = new SimRtspClient(board, network, PORT);
            for (let t = 0; t < 12; t++) {
                c.run(1_000_000);
                c.write(Buffer.concat([Buffer.from([0x24, 1, 0, RR.length]), RR]));
            }
            assert.equal(c.closed, false);
            assert.equal(idle.closed, true, "a connection without requests or sessions is dropped after the timeout");
            assert.equal(c.request("GET_PARAMETER", `${U}/tone.wav/`, { Session: sessionId(r) }).status, 200);
        });
    });

    it("bounds connections (503 and hang-up) and sessions (453), and frees both when clients leave", () => {
        const { board, network } = startFake(version, { capacity: 10 }, "{ maxConnections = 2, maxSessions = 2 }");
        withBoard(board, () => {
            const a = new SimRtspClient(board, network, PORT);
            const b = new SimRtspClient(board, network, PORT);
            const extra = new SimRtspClient(board, network, PORT);
            extra.run(10_000);
            assert.equal(extra.parser.replies[0]?.status, 503);
            assert.equal(extra.closed, true);
            const s1 = a.request("SETUP", `${U}/tone.wav/track1`, UDP(5000));
            assert.equal(b.request("SETUP", `${U}/tone.wav/track1`, UDP(5002)).status, 200);
            assert.equal(b.request("SETUP", `${U}/tone.wav/track1`, UDP(5004)).status, 453);
            assert.equal(a.request("TEARDOWN", `${U}/tone.wav/`, { Session: sessionId(s1) }).status, 200);
            assert.equal(b.request("SETUP", `${U}/tone.wav/track1`, UDP(5004)).status, 200, "a freed session slot is reusable");
            a.close();
            const later = new SimRtspClient(board, network, PORT);
            assert.equal(later.request("OPTIONS", "*").status, 200, "a freed connection slot is reusable");
        });
    });

    it("passes the core's admission refusal through as 453", () => {
        const { board, network } = startFake(version, { capacity: 1 });
        withBoard(board, () => {
            const c = new SimRtspClient(board, network, PORT);
            assert.equal(c.request("SETUP", `${U}/tone.wav/track1`, UDP(5000)).status, 200);
            assert.equal(c.request("SETUP", `${U}/dir/b.wav/track1`, UDP(5002)).status, 453);
            assert.deepEqual(board.evaluate("rt.server:counts()"), { sessions: 1, connections: 1 });
        });
    });

    it("keeps at most the configured interleaved frames queued behind a busy socket, drops and counts the rest, never a response", () => {
        const board = startFake(version).board;
        withBoard(board, () => {
            const r = board.evaluate<{ writes: string[]; drops: number; accepted: number; afterWritable: string[] }>(`require("test.fixtures.rtsp-fake").queueProbe(16, 40)`);
            assert.equal(r.accepted, 16);
            assert.equal(r.drops, 24);
            assert.equal(r.writes[0], "RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n", "first write went out at once");
            assert.equal(r.afterWritable.length, 1, "one write per 'sent'");
            const next = r.afterWritable[0];
            const frames = next.split("$").length - 1;
            assert.equal(frames, 16);
            assert.ok(next.endsWith("RTSP/1.0 200 OK\r\nCSeq: 2\r\n\r\n"), "the response queued behind full media is kept");
        });
    });
});
