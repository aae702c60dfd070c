// RTSP session keepalive: GET_PARAMETER (or OPTIONS) every timeout/2 seconds with the session id.

import { strict as assert } from "node:assert";
import { probe } from "../tools/probe/probe";
import { FakeRtspServer, SESSION_ID, sdpFor } from "./probe-fake-rtsp-server";
import { rtpPacket } from "./probe-support";

/** A slow trickle of PCMU packets so the session stays alive while keepalives fall due. */
function trickle(n: number): Buffer[] {
  return [...Array(n).keys()].map((i) =>
    rtpPacket({ payloadType: 0, sequenceNumber: i, timestamp: 160 * i, ssrc: 9, payload: Buffer.alloc(160, 0xff) }),
  );
}

describe("probe: RTSP keepalive", () => {
  let server: FakeRtspServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it("uses GET_PARAMETER when the server lists it, at timeout/2, and counts what it sent", async () => {
    server = await new FakeRtspServer({ sdp: sdpFor("PCMU", 0, 8000), sessionTimeout: 2, packets: trickle(60), intervalMs: 50 }).start();
    const result = await probe(server.url, { durationS: 2.5, timeoutS: 5 });
    const keepalives = server.requests.filter((r) => r.method === "GET_PARAMETER");
    assert.equal(result.rtsp!.timeoutS, 2);
    assert.equal(result.rtsp!.keepaliveMethod, "GET_PARAMETER");
    // Due at 1 s and 2 s into a 2.5 s run.
    assert.equal(keepalives.length, 2);
    assert.equal(result.rtsp!.keepalivesSent, 2);
    assert.equal(result.rtsp!.keepalivesAnswered, 2);
    for (const k of keepalives) assert.equal(k.headers.get("session"), SESSION_ID);
    assert.equal(server.methods().at(-1), "TEARDOWN");
  });

  it("falls back to OPTIONS when GET_PARAMETER is not public", async () => {
    server = await new FakeRtspServer({
      sdp: sdpFor("PCMU", 0, 8000),
      sessionTimeout: 2,
      publicMethods: "OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY",
      packets: trickle(40),
      intervalMs: 50,
    }).start();
    const result = await probe(server.url, { durationS: 1.5, timeoutS: 5 });
    assert.equal(result.rtsp!.keepaliveMethod, "OPTIONS");
    const options = server.requests.filter((r) => r.method === "OPTIONS");
    assert.equal(options.length, 2, "the initial OPTIONS and one keepalive at 1 s");
    assert.equal(options[1].headers.get("session"), SESSION_ID);
    assert.equal(server.requests.filter((r) => r.method === "GET_PARAMETER").length, 0);
  });

  it("assumes the RFC 2326 default of 60 s when the Session header has no timeout", async () => {
    server = await new FakeRtspServer({ sdp: sdpFor("PCMU", 0, 8000), sessionTimeout: null, packets: trickle(5) }).start();
    const result = await probe(server.url, { packets: 5, timeoutS: 5 });
    assert.equal(result.rtsp!.timeoutS, 60);
    assert.equal(result.rtsp!.keepalivesSent, 0);
  });
});
