// RTSP methods against a scripted streaming core in virtual time: OPTIONS, DESCRIBE, SETUP (UDP/TCP), PLAY/PAUSE/seek, TEARDOWN.
import { strict as assert } from "assert";
import { eachLuaVersion } from "./support/firmware";
import { PORT, rtpTo, sessionId, SimRtspClient, startFake, TONE, UDP_BASE, withBoard } from "./rtsp-support";

eachLuaVersion("RTSP methods", version => {
    it("answers OPTIONS with the methods it implements, GET_PARAMETER included, echoing CSeq", () => {
        const { board, network } = startFake(version);
        withBoard(board, () => {
            const c = new SimRtspClient(board, network, PORT);
            const r = c.request("OPTIONS", `rtsp://127.0.0.1:${PORT}/`);
            assert.equal(r.status, 200);
            assert.equal(r.headers.cseq, "1");
            const methods = r.headers.public.split(/,\s*/);
            for (const m of ["OPTIONS", "DESCRIBE", "SETUP", "PLAY", "PAUSE", "TEARDOWN", "GET_PARAMETER"]) assert.ok(methods.includes(m), m);
        });
    });

    it("describes a file with SDP, Content-Base, a=control and a=range", () => {
        const { board, network } = startFake(version);
        withBoard(board, () => {
            const c = new SimRtspClient(board, network, PORT);
            const url = `rtsp://127.0.0.1:${PORT}/dir/b.wav`;
            const r = c.request("DESCRIBE", url, { Accept: "application/sdp" });
            assert.equal(r.status, 200);
            assert.equal(r.headers["content-type"], "application/sdp");
            assert.equal(r.headers["content-base"], `${url}/`);
            assert.equal(Number(r.headers["content-length"]), Buffer.byteLength(r.body, "latin1"));
            const lines = r.body.split("\r\n");
            assert.ok(lines.includes("a=control:*"));
            assert.ok(lines.includes("a=control:track1"));
            assert.ok(lines.includes("m=audio 0 RTP/AVP 10"));
            assert.ok(lines.includes("a=rtpmap:10 L16/44100/2"));
            assert.ok(lines.includes(`a=range:npt=0-${(TONE.length / 4 / 44100).toFixed(3)}`), r.body);
        });
    });

    it("refuses missing and unplayable files with 404 and 415", () => {
        const { board, network } = startFake(version);
        withBoard(board, () => {
            const c = new SimRtspClient(board, network, PORT);
            assert.equal(c.request("DESCRIBE", `rtsp://127.0.0.1:${PORT}/missing.wav`).status, 404);
            assert.equal(c.request("DESCRIBE", `rtsp://127.0.0.1:${PORT}/notes.txt`).status, 415);
            const t = "RTP/AVP;unicast;client_port=5000-5001";
            assert.equal(c.request("SETUP", `rtsp://127.0.0.1:${PORT}/missing.wav/track1`, { Transport: t }).status, 404);
            assert.equal(c.request("SETUP", `rtsp://127.0.0.1:${PORT}/notes.txt/track1`, { Transport: t }).status, 415);
        });
    });

    it("sets up UDP, plays from the server port to the client port, pauses, seeks with Range and tears down with a BYE", () => {
        const { board, network } = startFake(version);
        withBoard(board, () => {
            const c = new SimRtspClient(board, network, PORT);
            const url = `rtsp://127.0.0.1:${PORT}/tone.wav/track1`;
            const setup = c.request("SETUP", url, { Transport: "RTP/AVP;unicast;client_port=5000-5001" });
            assert.equal(setup.status, 200);
            assert.match(setup.headers.transport, new RegExp(`client_port=5000-5001;server_port=${UDP_BASE}-${UDP_BASE + 1}`));
            assert.match(setup.headers.session, /^[0-9A-F]{8};timeout=60$/);
            const session = sessionId(setup);

            const play = c.request("PLAY", `rtsp://127.0.0.1:${PORT}/tone.wav/`, { Session: session, Range: "npt=0.000-" });
            assert.equal(play.status, 200);
            assert.equal(play.headers["rtp-info"], `url=${url};seq=1000;rtptime=0`);
            assert.equal(play.headers.range, `npt=0.000-${(TONE.length / 4 / 44100).toFixed(3)}`);
            c.run(200_000);
            const sent = rtpTo(network, 5000);
            assert.ok(sent.length >= 10, `packets while playing: ${sent.length}`);
            assert.ok(sent.every(p => p.fromPort === UDP_BASE));

            assert.equal(c.request("PAUSE", url, { Session: session }).status, 200);
            const atPause = rtpTo(network, 5000).length;
            c.run(500_000);
            assert.equal(rtpTo(network, 5000).length, atPause, "no packets while paused");

            const seek = c.request("PLAY", url, { Session: session, Range: "npt=1.5-" });
            assert.equal(seek.status, 200);
            assert.match(seek.headers.range, /^npt=1\.500-/);
            assert.match(seek.headers["rtp-info"], new RegExp(`rtptime=${(1.5 * 44100).toFixed(0)}$`));
            c.run(100_000);
            const resumed = rtpTo(network, 5000).slice(atPause);
            assert.equal(resumed[0].positionUs, 1_500_000, "first packet after the seek is at the Range start");

            const bye = network.departures.length;
            assert.equal(c.request("TEARDOWN", url, { Session: session }).status, 200);
            assert.ok(network.departures.slice(bye).some(d => d.port === 5001 && d.data.toString("latin1").startsWith("BYE")), "BYE to the RTCP port");
            assert.equal(c.request("PLAY", url, { Session: session }).status, 454, "the session is gone");
            assert.deepEqual(board.evaluate("rt.server:counts()"), { sessions: 0, connections: 1 });
        });
    });

    it("interleaves RTP on the RTSP connection after the PLAY answer, on the channels the client asked for", () => {
        const { board, network } = startFake(version);
        withBoard(board, () => {
            const c = new SimRtspClient(board, network, PORT);
            const url = `rtsp://127.0.0.1:${PORT}/tone.wav/track1`;
            const setup = c.request("SETUP", url, { Transport: "RTP/AVP/TCP;unicast;interleaved=4-5" });
            assert.equal(setup.status, 200);
            assert.match(setup.headers.transport, /^RTP\/AVP\/TCP;unicast;interleaved=4-5;ssrc=[0-9A-F]{8}/);
            const play = c.request("PLAY", url, { Session: sessionId(setup) });
            assert.equal(play.status, 200);
            c.run(200_000);
            const frames = c.parser.frames;
            assert.ok(frames.length >= 10, `frames: ${frames.length}`);
            assert.ok(frames.every(f => f.channel === 4));
            const playIndex = c.parser.order.indexOf("reply", c.parser.order.indexOf("reply") + 1);
            assert.ok(c.parser.order.indexOf("frame") > playIndex, "no frame before the PLAY answer");
            assert.deepEqual(
                frames.map(f => Number(f.data.toString("latin1").split(" ")[2])),
                frames.map((_f, i) => 1000 + i),
                "every packet, in order",
            );
            c.close();
            assert.deepEqual(board.evaluate("rt.server:counts()"), { sessions: 0, connections: 0 }, "interleaved session ends with its connection");
        });
    });

    it("answers pipelined requests in order when the core answers later", () => {
        const { board, network } = startFake(version, { answerDelayUs: 30_000 });
        withBoard(board, () => {
            const c = new SimRtspClient(board, network, PORT);
            const u = `rtsp://127.0.0.1:${PORT}/tone.wav`;
            c.write(
                `DESCRIBE ${u} RTSP/1.0\r\nCSeq: 1\r\n\r\nOPTIONS ${u} RTSP/1.0\r\nCSeq: 2\r\n\r\n` +
                    `SETUP ${u}/track1 RTSP/1.0\r\nCSeq: 3\r\nTransport: RTP/AVP;unicast;client_port=5002-5003\r\n\r\nOPTIONS * RTSP/1.0\r\nCSeq: 4\r\n\r\n`,
            );
            c.await("4");
            assert.deepEqual(c.parser.replies.map(r => [r.headers.cseq, r.status]), [["1", 200], ["2", 200], ["3", 200], ["4", 200]]);
        });
    });
});
