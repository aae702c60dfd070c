// The firmware's 12-byte RTP header parses with rtp.js: version, payload type, marker, sequence, timestamp, SSRC, wrap-around.
import { strict as assert } from "assert";
import { packets } from "rtp.js";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { HostBoard } from "../tools/harness/host-board";

const { RtpPacket, isRtp } = packets;

function header(board: HostBoard, pt: number, marker: boolean, seq: number, ts: number, ssrc: number): Buffer {
    const s = board.evaluate<string>(`require("firmware.protocol.rtp").rtpHeader(${pt}, ${marker}, ${seq}, ${ts}, ${ssrc})`);
    return Buffer.from(s, "latin1");
}

eachLuaVersion("protocol: RTP header parses independently", version => {
    let board: HostBoard;
    beforeEach(() => {
        board = testBoard(version);
    });
    afterEach(() => board.close());

    const cases: Array<[number, boolean, number, number, number]> = [
        [0, false, 0, 0, 0],
        [8, true, 1, 160, 1],
        [10, false, 12345, 44100 * 3600, 0x12345678],
        [11, true, 65535, 4294967295, 4294967295],
        [14, false, 40000, 2147483648, 2147483648],
        [96, true, 255, 256, 0xdeadbeef],
        [127, true, 256, 16777216, 0x80000001],
    ];

    for (const [pt, marker, seq, ts, ssrc] of cases) {
        it(`PT ${pt}, marker ${marker}, seq ${seq}, ts ${ts}, ssrc ${ssrc.toString(16)}`, () => {
            const h = header(board, pt, marker, seq, ts, ssrc);
            assert.equal(h.length, 12);
            const packet = Buffer.concat([h, Buffer.from([1, 2, 3, 4])]);
            const view = new DataView(packet.buffer, packet.byteOffset, packet.length);
            assert.ok(isRtp(view));
            const p = new RtpPacket(view);
            assert.equal(p.getPayloadType(), pt);
            assert.equal(p.getMarker(), marker);
            assert.equal(p.getSequenceNumber(), seq);
            assert.equal(p.getTimestamp() >>> 0, ts);
            assert.equal(p.getSsrc() >>> 0, ssrc);
            assert.equal(p.getCsrcs().length, 0);
            assert.equal(p.getPadding(), 0);
            assert.ok(Buffer.from(p.getPayload().buffer, p.getPayload().byteOffset, p.getPayload().byteLength).equals(Buffer.from([1, 2, 3, 4])));
            // Version 2, no padding, no extension, no CSRC: the first byte is exactly 0x80.
            assert.equal(h[0], 0x80);
        });
    }

    it("wraps the sequence number at 2^16 and the timestamp and SSRC at 2^32", () => {
        const h = header(board, 96, false, 65536 + 7, 4294967296 + 90000, 4294967296 * 3 + 9);
        assert.equal(h.readUInt16BE(2), 7);
        assert.equal(h.readUInt32BE(4), 90000);
        assert.equal(h.readUInt32BE(8), 9);
    });
});
