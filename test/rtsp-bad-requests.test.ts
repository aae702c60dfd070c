// Malformed and hostile requests get the right status or a closed connection, while another client keeps streaming.
import { strict as assert } from "assert";
import { eachLuaVersion } from "./support/firmware";
import { PORT, rtpTo, sessionId, SimRtspClient, startFake, withBoard } from "./rtsp-support";

const U = `rtsp://127.0.0.1:${PORT}`;

eachLuaVersion("RTSP bad requests", version => {
    it("answers each malformed request with its status (or hangs up) and never disturbs a playing session", () => {
        const { board, network } = startFake(version);
        withBoard(board, () => {
            // A well-behaved client streams throughout.
            const good = new SimRtspClient(board, network, PORT);
            const s = good.request("SETUP", `${U}/tone.wav/track1`, { Transport: "RTP/AVP;unicast;client_port=7000-7001" });
            good.request("PLAY", `${U}/tone.wav/`, { Session: sessionId(s) });

            /** A fresh connection sends raw bytes; returns its first reply's status (or undefined) and whether it was closed. */
            const raw = (bytes: string | Buffer): { status?: number; cseq?: string; closed: boolean } => {
                const c = new SimRtspClient(board, network, PORT);
                c.write(bytes);
                c.run(50_000);
                const r = c.parser.replies[0];
                const out = { status: r?.status, cseq: r?.headers.cseq, closed: c.closed };
                if (!c.closed) c.close();
                return out;
            };
            assert.deepEqual(raw("garbage\r\n\r\n"), { status: 400, cseq: undefined, closed: true });
            assert.deepEqual(raw(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x2f, 0x0d, 0x0a, 0x0d, 0x0a])), { status: 400, cseq: undefined, closed: true });
            assert.deepEqual(raw(`OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX-Pad: ${"a".repeat(5000)}`), { status: 400, cseq: undefined, closed: true }, "header over the limit, never terminated");
            assert.deepEqual(raw("x".repeat(10_000)), { status: 400, cseq: undefined, closed: true }, "no line end at all");
            const lines = Array.from({ length: 40 }, (_v, i) => `X-${i}: y`).join("\r\n");
            assert.deepEqual(raw(`OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n${lines}\r\n\r\n`), { status: 400, cseq: undefined, closed: true }, "too many header lines");
            assert.deepEqual(raw(`SET_PARAMETER * RTSP/1.0\r\nCSeq: 9\r\nContent-Length: 99999\r\n\r\n`), { status: 413, cseq: "9", closed: true });
            assert.deepEqual(raw(`OPTIONS * RTSP/1.0\r\nCSeq: 3\r\nContent-Length: -4\r\n\r\n`), { status: 400, cseq: "3", closed: true });
            assert.deepEqual(raw(Buffer.concat([Buffer.from([0x24, 1, 0xff, 0xff]), Buffer.alloc(100)])), { status: 400, cseq: undefined, closed: true }, "oversized interleaved frame");

            // Errors the connection survives: each answered, then the same connection still works.
            const c = new SimRtspClient(board, network, PORT);
            c.write(`OPTIONS * RTSP/1.0\r\n\r\n`);
            const noCseq = c.nextReply(0);
            assert.equal(noCseq.status, 400);
            assert.equal(noCseq.headers.cseq, undefined);
            c.write(`OPTIONS * RTSP/2.0\r\nCSeq: 77\r\n\r\n`);
            assert.equal(c.await("77").status, 505);
            c.write(`OPTIONS * HTTP/1.1\r\nCSeq: 78\r\n\r\n`);
            assert.equal(c.await("78").status, 505);
            for (const m of ["RECORD", "ANNOUNCE", "REDIRECT", "BREW"]) assert.equal(c.request(m, `${U}/tone.wav`).status, 501, m);
            for (const url of [`${U}/../x`, `${U}/a/%2e%2E/x`, `${U}/./tone.wav`, `${U}/a%00b`, `${U}/bad%zz`, "file:///etc/passwd"]) {
                assert.equal(c.request("DESCRIBE", url).status, 400, url);
                assert.equal(c.request("SETUP", `${url}/track1`, { Transport: "RTP/AVP;unicast;client_port=5000-5001" }).status, 400, url);
            }
            for (const t of ["RTP/AVP;unicast", "RAW/RAW/UDP;unicast;client_port=5000-5001", "RTP/AVP;unicast;client_port=0-1", "RTP/AVP;unicast;client_port=70000-70001", "RTP/AVP/TCP;interleaved=300-301", "RTP/AVP;unicast;client_port=5000-5001;mode=record"]) {
                assert.equal(c.request("SETUP", `${U}/tone.wav/track1`, { Transport: t }).status, 461, t);
            }
            assert.equal(c.request("SETUP", `${U}/tone.wav/track1`).status, 461, "no Transport header");
            for (const m of ["PLAY", "PAUSE", "TEARDOWN", "GET_PARAMETER"]) {
                assert.equal(c.request(m, `${U}/tone.wav`, { Session: "DEADBEEF" }).status, 454, m);
            }
            for (const m of ["PLAY", "PAUSE", "TEARDOWN"]) assert.equal(c.request(m, `${U}/tone.wav`).status, 454, `${m} without a session`);
            assert.equal(c.request("SETUP", `${U}/tone.wav/track1`, { Session: "DEADBEEF", Transport: "RTP/AVP;unicast;client_port=5000-5001" }).status, 454);
            const own = c.request("SETUP", `${U}/tone.wav/track1`, { Transport: "RTP/AVP;unicast;client_port=5004-5005" });
            assert.equal(c.request("PLAY", `${U}/tone.wav`, { Session: sessionId(own), Range: "npt=abc-" }).status, 457);
            assert.equal(c.request("PLAY", `${U}/tone.wav`, { Session: sessionId(own), Range: "npt=99-" }).status, 457, "past the end");
            assert.equal(c.request("OPTIONS", "*").status, 200, "the connection still serves");
            assert.equal(c.closed, false);

            // The good client never noticed: packets kept coming at the fake core's 20 ms rate, and it still gets answers.
            const before = rtpTo(network, 7000).length;
            good.run(1_000_000);
            const got = rtpTo(network, 7000);
            assert.ok(got.length - before >= 49, `packets in the last second: ${got.length - before}`);
            assert.deepEqual(got.map(p => p.seq), got.map((_p, i) => 1000 + i), "no gap in the good client's stream");
            assert.equal(good.request("GET_PARAMETER", `${U}/tone.wav/`, { Session: sessionId(s) }).status, 200);
        });
    });

    it("hangs up on a client that floods the connection while its answer is pending", () => {
        const { board, network } = startFake(version, { answerDelayUs: 200_000 });
        withBoard(board, () => {
            const c = new SimRtspClient(board, network, PORT);
            c.write(`DESCRIBE ${U}/tone.wav RTSP/1.0\r\nCSeq: 1\r\n\r\n`);
            for (let i = 0; i < 20 && !c.closed; i++) c.write(`OPTIONS * RTSP/1.0\r\nCSeq: ${i + 2}\r\n\r\n`.repeat(40));
            c.run(500_000);
            assert.equal(c.closed, true);
            assert.deepEqual(c.parser.replies.map(r => r.status), [400], "answered 400, nothing parsed past the limit");
            assert.deepEqual(board.evaluate("rt.server:counts()"), { sessions: 0, connections: 0 });
        });
    });
});
