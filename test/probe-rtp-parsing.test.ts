// RTP header parsing through the independent parser: padding, CSRCs, header extensions, malformed datagrams.

import { strict as assert } from "node:assert";
import { Receiver } from "../tools/probe/receiver";
import { rtcpBye, rtcpSenderReport, rtpPacket } from "./probe-support";

/** Inserts CSRCs and a one-word header extension into a packet built by rtpPacket (no padding). */
function withCsrcAndExtension(pkt: Buffer, csrcs: number[]): Buffer {
  const head = Buffer.from(pkt.subarray(0, 12));
  head[0] = (head[0] & 0xe0) | 0x10 | csrcs.length; // X bit, CC
  const list = Buffer.alloc(4 * csrcs.length);
  csrcs.forEach((c, i) => list.writeUInt32BE(c, 4 * i));
  const ext = Buffer.from([0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0x00, 0x00]); // RFC 8285 one-byte, 1 word
  return Buffer.concat([head, list, ext, pkt.subarray(12)]);
}

describe("probe: RTP header parsing", () => {
  it("payload excludes padding, CSRCs and the header extension", () => {
    const r = new Receiver({ record: false, trace: true });
    const payload = Buffer.alloc(160, 0x55);
    r.onRtpData(rtpPacket({ payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 2, payload, padding: 4 }), 0n);
    r.onRtpData(withCsrcAndExtension(rtpPacket({ payloadType: 0, sequenceNumber: 2, timestamp: 160, ssrc: 2, payload }), [7, 8]), 1n);
    r.onRtpData(rtpPacket({ payloadType: 0, sequenceNumber: 3, timestamp: 320, ssrc: 2, payload, marker: true }), 2n);
    const s = r.stats.summaries()[0];
    assert.equal(s.received, 3);
    assert.equal(s.payloadBytes, 3 * 160);
    assert.deepEqual(
      r.trace!.map((e) => [e.sequenceNumber, e.timestamp, e.payloadType]),
      [
        [1, 0, 0],
        [2, 160, 0],
        [3, 320, 0],
      ],
    );
  });

  it("wrong version and truncated datagrams are counted as malformed, not as packets", () => {
    const r = new Receiver();
    const good = rtpPacket({ payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 2, payload: Buffer.alloc(10) });
    const v1 = Buffer.from(good);
    v1[0] = 0x40;
    r.onRtpData(v1, 0n);
    r.onRtpData(good.subarray(0, 8), 0n);
    r.onRtpData(Buffer.alloc(0), 0n);
    r.onRtpData(good, 0n);
    assert.equal(r.stats.malformedRtp, 3);
    assert.equal(r.stats.rtpPackets, 1);
  });

  it("separate SSRCs are separate streams; RTCP arriving on the RTP port is demultiplexed", () => {
    const r = new Receiver();
    for (let i = 0; i < 5; i++) {
      r.onRtpData(rtpPacket({ payloadType: 8, sequenceNumber: i, timestamp: 160 * i, ssrc: 100, payload: Buffer.alloc(160) }), BigInt(i));
      r.onRtpData(rtpPacket({ payloadType: 0, sequenceNumber: 900 + i, timestamp: 160 * i, ssrc: 200, payload: Buffer.alloc(160) }), BigInt(i));
    }
    r.onRtpData(Buffer.concat([rtcpSenderReport(100, 800, 5, 800), rtcpBye(100)]), 9n);
    const byId = new Map(r.stats.summaries().map((s) => [s.ssrc, s]));
    assert.deepEqual([...byId.keys()].sort(), [100, 200]);
    assert.equal(byId.get(100)!.encoding, "PCMA");
    assert.equal(byId.get(200)!.encoding, "PCMU");
    assert.equal(byId.get(100)!.senderReports, 1);
    assert.equal(byId.get(100)!.bye, true);
    assert.equal(byId.get(200)!.bye, false);
    assert.equal(r.stats.allSaidBye(), false);
    assert.equal(r.stats.rtpPackets, 10);
  });

  it("a sender report that precedes the first RTP packet is kept for that stream", () => {
    const r = new Receiver();
    r.onRtcpData(rtcpSenderReport(300, 0, 0, 0));
    r.onRtpData(rtpPacket({ payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 300, payload: Buffer.alloc(160) }), 0n);
    assert.equal(r.stats.summaries()[0].senderReports, 1);
    assert.equal(r.stats.rtcp.senderReports, 1);
  });
});
