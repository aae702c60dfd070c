// SDP file input: ports, dynamic payload types from a=rtpmap, a=rtcp, RTCP-mux and a multicast join.

import { strict as assert } from "node:assert";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseSdp, resolveControl } from "../tools/probe/sdp";
import { freeEvenPortPair, rtcpBye, rtcpSenderReport, rtpPacket, sendPaced, startProbe } from "./probe-support";

function sdpFile(lines: string[]): string {
  return ["v=0", "o=- 7 7 IN IP4 127.0.0.1", "s=ringcast test", "t=0 0", ...lines, ""].join("\r\n");
}

describe("probe: SDP file input", () => {
  let dir = "";
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "probe-sdp-"));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("parses media, codecs, addresses, ports and control URLs", () => {
    const s = parseSdp(
      sdpFile([
        "c=IN IP4 239.1.2.3/16",
        "a=control:*",
        "m=audio 5004 RTP/AVP 96 0",
        "a=rtpmap:96 L24/48000/2",
        "a=rtcp:6000",
        "a=control:track1",
        "m=video 5006 RTP/AVP 26",
        "m=audio 5008 RTP/AVP 14",
        "c=IN IP4 127.0.0.1",
        "a=rtcp-mux",
      ]),
    );
    assert.equal(s.name, "ringcast test");
    assert.equal(s.media.length, 2, "video skipped");
    const [a, b] = s.media;
    assert.deepEqual(a.codecs.get(96), { encoding: "L24", clockRate: 48000, channels: 2 });
    assert.deepEqual(a.codecs.get(0), { encoding: "PCMU", clockRate: 8000, channels: 1 });
    assert.deepEqual([a.address, a.ttl, a.port, a.rtcpPort, a.rtcpMux], ["239.1.2.3", 16, 5004, 6000, false]);
    assert.deepEqual([b.address, b.ttl, b.port, b.rtcpMux], ["127.0.0.1", null, 5008, true]);
    assert.deepEqual(b.codecs.get(14), { encoding: "MPA", clockRate: 90000, channels: 1 });
    assert.equal(resolveControl("rtsp://h:8554/a", a.control), "rtsp://h:8554/a/track1");
    assert.equal(resolveControl("rtsp://h:8554/a/", "*"), "rtsp://h:8554/a/");
    assert.equal(resolveControl("rtsp://h/a", "rtsp://other/x"), "rtsp://other/x");
  });

  it("receives a dynamic payload type on the port it names and uses the rtpmap clock rate", async () => {
    const port = await freeEvenPortPair();
    const file = path.join(dir, "l16.sdp");
    await fs.writeFile(file, sdpFile(["c=IN IP4 127.0.0.1", `m=audio ${port} RTP/AVP 97`, "a=rtpmap:97 L16/16000"]));
    const n = 30;
    const pkts = [...Array(n).keys()].map((i) =>
      rtpPacket({ payloadType: 97, sequenceNumber: i, timestamp: 320 * i, ssrc: 4, payload: Buffer.alloc(640) }),
    );
    const running = startProbe(file, { packets: n, timeoutS: 5 });
    await running.ready;
    await sendPaced(port, pkts, 1);
    await sendPaced(port + 1, [Buffer.concat([rtcpSenderReport(4, 9600, n, 640 * n)])], 0);
    const r = await running.result;
    assert.equal(r.input, "sdp");
    assert.deepEqual(r.udp!.streams[0], { address: "127.0.0.1", multicast: false, rtpPort: port, rtcpPort: port + 1 });
    const s = r.streams[0];
    assert.deepEqual([s.encoding, s.clockRate, s.channels], ["L16", 16000, 1]);
    assert.equal(s.mediaSeconds, ((n - 1) * 320) / 16000);
    assert.ok(s.jitter !== null && s.deviationUs !== null);
  });

  it("with a=rtcp-mux, RTCP on the RTP port is told apart from RTP (RFC 5761)", async () => {
    const port = await freeEvenPortPair();
    const file = path.join(dir, "mux.sdp");
    await fs.writeFile(file, sdpFile(["c=IN IP4 127.0.0.1", `m=audio ${port} RTP/AVP 0`, "a=rtcp-mux"]));
    const pkts = [...Array(10).keys()].map((i) =>
      rtpPacket({ payloadType: 0, sequenceNumber: i, timestamp: 160 * i, ssrc: 6, payload: Buffer.alloc(160) }),
    );
    pkts.push(Buffer.concat([rtcpSenderReport(6, 1600, 10, 1600), rtcpBye(6)]));
    const running = startProbe(file, { timeoutS: 5 });
    await running.ready;
    await sendPaced(port, pkts, 1);
    const r = await running.result;
    assert.equal(r.stopReason, "bye");
    assert.equal(r.udp!.streams[0].rtcpPort, null);
    assert.equal(r.rtpPackets, 10);
    assert.equal(r.rtcp.senderReports, 1);
    assert.equal(r.streams[0].received, 10);
  });

  it("joins the multicast group of c= (on the loopback interface)", async () => {
    const port = await freeEvenPortPair();
    const group = "239.255.42.17";
    const file = path.join(dir, "mcast.sdp");
    await fs.writeFile(file, sdpFile([`c=IN IP4 ${group}/1`, `m=audio ${port} RTP/AVP 11`]));
    const pkts = [...Array(20).keys()].map((i) =>
      rtpPacket({ payloadType: 11, sequenceNumber: 100 + i, timestamp: 441 * i, ssrc: 8, payload: Buffer.alloc(882) }),
    );
    const running = startProbe(file, { packets: 20, timeoutS: 5, iface: "127.0.0.1" });
    await running.ready;
    await sendPaced(port, pkts, 1, group);
    const r = await running.result;
    assert.equal(r.udp!.streams[0].multicast, true);
    assert.equal(r.udp!.streams[0].address, group);
    assert.equal(r.streams[0].received, 20);
    assert.equal(r.streams[0].encoding, "L16");
  });
});
