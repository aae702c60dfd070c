// The RTSP client against a scripted server: request sequence, headers, UDP and interleaved TCP delivery.

import { strict as assert } from "node:assert";
import { probe } from "../tools/probe/probe";
import { FakeRtspServer, SESSION_ID, sdpFor } from "./probe-fake-rtsp-server";
import { rtcpBye, rtcpSdes, rtcpSenderReport, rtpPacket } from "./probe-support";

const SSRC = 0xabcd;

function l16Packets(n: number, seq0: number, skip: number[] = []): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    if (skip.includes(i)) continue;
    out.push(rtpPacket({ payloadType: 96, sequenceNumber: seq0 + i, timestamp: 1000 + 480 * i, ssrc: SSRC, payload: Buffer.alloc(1920) }));
  }
  return out;
}

describe("probe: RTSP client", () => {
  let server: FakeRtspServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it("UDP: OPTIONS, DESCRIBE, SETUP with an even client_port pair, PLAY, then TEARDOWN", async () => {
    const packets = l16Packets(60, 65500, [10]);
    server = await new FakeRtspServer({ sdp: sdpFor("L16", 96, 48000, 2), packets }).start();
    const result = await probe(server.url, { packets: packets.length, timeoutS: 5 });
    assert.deepEqual(server.methods(), ["OPTIONS", "DESCRIBE", "SETUP", "PLAY", "TEARDOWN"]);
    const cseqs = server.requests.map((r) => Number(r.headers.get("cseq")));
    assert.deepEqual(cseqs, [1, 2, 3, 4, 5]);
    const [options, describe, setup, play, teardown] = server.requests;
    assert.equal(options.uri, server.url);
    assert.equal(describe.headers.get("accept"), "application/sdp");
    assert.equal(setup.uri, `${server.url}/track1`, "a=control resolved against Content-Base");
    const m = /^RTP\/AVP;unicast;client_port=(\d+)-(\d+)$/.exec(setup.headers.get("transport") ?? "");
    assert.ok(m, `transport: ${setup.headers.get("transport")}`);
    assert.equal(Number(m[1]) % 2, 0);
    assert.equal(Number(m[2]), Number(m[1]) + 1);
    assert.equal(setup.headers.get("session"), undefined, "no Session before the server gives one");
    assert.equal(play.uri, `${server.url}/`, "aggregate control '*' is the base URL");
    assert.equal(play.headers.get("session"), SESSION_ID);
    assert.equal(play.headers.get("range"), "npt=0.000-");
    assert.equal(teardown.headers.get("session"), SESSION_ID);

    assert.equal(result.stopReason, "packets");
    assert.equal(result.rtsp!.transport, "udp");
    assert.equal(result.rtsp!.session, SESSION_ID);
    assert.equal(result.rtsp!.teardown, "ok");
    assert.deepEqual(result.rtsp!.tracks[0].serverPorts, [6970, 6971]);
    assert.equal(result.rtsp!.rtpInfo, `url=${server.url}/;seq=1;rtptime=0`);
    const s = result.streams[0];
    assert.equal(s.encoding, "L16");
    assert.equal(s.clockRate, 48000, "dynamic payload type resolved through the SDP rtpmap");
    assert.equal(s.channels, 2);
    assert.equal(s.expected, 60);
    assert.equal(s.lost, 1);
  });

  it("UDP: an RTCP BYE on the RTCP port ends the run after SRs are counted", async () => {
    const packets = l16Packets(20, 100);
    const rtcp = [
      Buffer.concat([rtcpSenderReport(SSRC, 5000, 10, 19200), rtcpSdes(SSRC, "sender@test")]),
      Buffer.concat([rtcpSenderReport(SSRC, 9000, 20, 38400), rtcpBye(SSRC)]),
    ];
    server = await new FakeRtspServer({ sdp: sdpFor("L16", 96, 48000, 2), packets, rtcpAfter: rtcp }).start();
    const result = await probe(server.url, { timeoutS: 5 });
    assert.equal(result.stopReason, "bye");
    assert.equal(result.rtcp.senderReports, 2);
    assert.equal(result.rtcp.sdes, 1);
    assert.equal(result.rtcp.bye, 1);
    const s = result.streams[0];
    assert.equal(s.senderReports, 2);
    assert.equal(s.bye, true);
    assert.deepEqual(
      { ts: s.lastSenderReport!.rtpTimestamp, packets: s.lastSenderReport!.packetCount, octets: s.lastSenderReport!.octetCount },
      { ts: 9000, packets: 20, octets: 38400 },
    );
    assert.equal(server.methods().at(-1), "TEARDOWN");
  });

  it("TCP: interleaved=0-1, frames glued to the PLAY answer or split across writes", async () => {
    const packets = l16Packets(40, 7, [3, 4]);
    server = await new FakeRtspServer({ sdp: sdpFor("L16", 96, 48000, 2), packets, awkwardFraming: true }).start();
    const result = await probe(server.url, { tcp: true, packets: packets.length, timeoutS: 5 });
    const setup = server.requests.find((r) => r.method === "SETUP")!;
    assert.equal(setup.headers.get("transport"), "RTP/AVP/TCP;unicast;interleaved=0-1");
    assert.equal(result.rtsp!.transport, "tcp");
    assert.deepEqual(result.rtsp!.tracks[0].interleaved, [0, 1]);
    const s = result.streams[0];
    assert.equal(s.received, packets.length);
    assert.equal(s.expected, 40);
    assert.equal(s.lost, 2);
    assert.equal(result.malformedRtp, 0);
    assert.equal(server.methods().at(-1), "TEARDOWN");
  });

  it("TCP: RTCP SR on the interleaved RTCP channel is counted; the server closing ends the run", async () => {
    const packets = l16Packets(10, 0);
    const rtcp = [rtcpSenderReport(SSRC, 1234, 10, 19200)];
    server = await new FakeRtspServer({ sdp: sdpFor("L16", 96, 48000, 2), packets, rtcpAfter: rtcp, afterSend: "close" }).start();
    const result = await probe(server.url, { tcp: true, timeoutS: 5 });
    assert.equal(result.stopReason, "server-closed");
    assert.equal(result.rtcp.senderReports, 1);
    assert.equal(result.streams[0].received, 10);
    assert.equal(result.rtsp!.teardown, "not-sent", "no TEARDOWN on a closed connection");
  });
});
