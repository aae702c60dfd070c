// Failures end with a clear one-line ProbeError and every wait is bounded: refused, 404, silence, no RTP.

import { strict as assert } from "node:assert";
import * as dgram from "node:dgram";
import { ProbeError } from "../tools/probe/errors";
import { probe } from "../tools/probe/probe";
import { FakeRtspServer, sdpFor } from "./probe-fake-rtsp-server";
import { closedTcpPort, freeEvenPortPair, rtpPacket, sendPaced, startProbe } from "./probe-support";

async function rejection(p: Promise<unknown>): Promise<ProbeError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ProbeError, `not a ProbeError: ${err}`);
    assert.ok(!err.message.includes("\n"), "one line");
    return err;
  }
  assert.fail("expected the probe to fail");
}

describe("probe: errors and timeouts", () => {
  let server: FakeRtspServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it("connection refused", async () => {
    const port = await closedTcpPort();
    const err = await rejection(probe(`rtsp://127.0.0.1:${port}/x`, { timeoutS: 2 }));
    assert.equal(err.code, "CONNECT");
    assert.match(err.message, /connection refused: 127\.0\.0\.1:\d+/);
  });

  it("DESCRIBE answered 404", async () => {
    server = await new FakeRtspServer({ path: "/exists", sdp: sdpFor("PCMU", 0, 8000) }).start();
    const url = `rtsp://127.0.0.1:${server.port}/missing`;
    const err = await rejection(probe(url, { timeoutS: 2 }));
    assert.equal(err.code, "RTSP_STATUS");
    assert.equal(err.message, `RTSP DESCRIBE ${url} failed: 404 Not Found`);
    assert.deepEqual(server.methods(), ["OPTIONS", "DESCRIBE"]);
  });

  it("a server that never answers PLAY: timeout after the bound", async () => {
    server = await new FakeRtspServer({ sdp: sdpFor("PCMU", 0, 8000), silentOn: "PLAY" }).start();
    const err = await rejection(probe(server.url, { timeoutS: 0.5 }));
    assert.equal(err.code, "TIMEOUT");
    assert.match(err.message, /no answer to RTSP PLAY within 0\.5 s/);
  });

  it("a session that delivers no RTP: timeout, and the session is still torn down", async () => {
    server = await new FakeRtspServer({ sdp: sdpFor("PCMU", 0, 8000), packets: [] }).start();
    const err = await rejection(probe(server.url, { timeoutS: 0.5 }));
    assert.equal(err.code, "TIMEOUT");
    assert.match(err.message, /no RTP packet received within 0\.5 s/);
    assert.equal(server.methods().at(-1), "TEARDOWN");
  });

  it("rtp:// with nothing sent: timeout", async () => {
    const port = await freeEvenPortPair();
    const err = await rejection(probe(`rtp://127.0.0.1:${port}`, { timeoutS: 0.3 }));
    assert.equal(err.code, "TIMEOUT");
  });

  it("silence after packets flowed ends the run as idle, not as an error", async () => {
    const port = await freeEvenPortPair();
    const running = startProbe(`rtp://127.0.0.1:${port}`, { timeoutS: 0.8 });
    await running.ready;
    const pkts = [0, 1, 2].map((i) => rtpPacket({ payloadType: 0, sequenceNumber: i, timestamp: 160 * i, ssrc: 1, payload: Buffer.alloc(160) }));
    await sendPaced(port, pkts, 1);
    const result = await running.result;
    assert.equal(result.stopReason, "idle");
    assert.equal(result.streams[0].received, 3);
  });

  it("the server hanging up before any RTP is an error", async () => {
    server = await new FakeRtspServer({ sdp: sdpFor("PCMU", 0, 8000), packets: [], afterSend: "close" }).start();
    const err = await rejection(probe(server.url, { timeoutS: 2 }));
    assert.equal(err.code, "NO_MEDIA");
  });

  it("unsupported inputs and ports already taken are reported, not thrown raw", async () => {
    assert.equal((await rejection(probe("http://127.0.0.1/x"))).code, "BAD_URL");
    assert.equal((await rejection(probe("/nonexistent/file.sdp"))).code, "SDP");
    const port = await freeEvenPortPair();
    const holder = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => holder.bind(port, "127.0.0.1", resolve));
    try {
      const err = await rejection(probe(`rtp://127.0.0.1:${port}`, { timeoutS: 0.3 }));
      assert.equal(err.code, "SOCKET");
      assert.match(err.message, new RegExp(`cannot bind UDP 127\\.0\\.0\\.1:${port}: EADDRINUSE`));
    } finally {
      holder.close();
    }
  });
});
