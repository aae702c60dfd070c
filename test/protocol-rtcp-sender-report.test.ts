// RTCP: SR+SDES and SR+SDES+BYE parse per RFC 3550 (rtp.js and by hand), NTP time is right, the interval keeps the RFC bounds.
import { strict as assert } from "assert";
import { packets } from "rtp.js";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { HostBoard } from "../tools/harness/host-board";

const { ByePacket, CompoundPacket, ReceiverReportPacket, ReceptionReport, SdesPacket, SenderReportPacket, isRtcp } = packets;

const NTP_UNIX = 2208988800n;

/** NTP seconds (mod 2^32) and fraction for µs since 1900, computed exactly with BigInt. */
function ntp(usSince1900: bigint): [number, number] {
    const sec = Number((usSince1900 / 1_000_000n) % 4294967296n);
    const frac = Number(((usSince1900 % 1_000_000n) * 4294967296n) / 1_000_000n);
    return [sec, frac];
}

function view(b: Buffer): DataView {
    return new DataView(b.buffer, b.byteOffset, b.length);
}

function lua(board: HostBoard, expr: string): Buffer {
    return Buffer.from(board.evaluate<string>(expr), "latin1");
}

/** Walks a compound packet by the RFC 3550 §6.4 layout: [version, padding, count, type, length words]. */
function walk(b: Buffer): Array<{ version: number; padding: boolean; count: number; type: number; body: Buffer }> {
    const out = [];
    let at = 0;
    while (at < b.length) {
        const words = b.readUInt16BE(at + 2);
        const end = at + (words + 1) * 4;
        assert.ok(end <= b.length, "length within the datagram");
        out.push({ version: b[at] >> 6, padding: (b[at] & 0x20) !== 0, count: b[at] & 0x1f, type: b[at + 1], body: b.subarray(at + 4, end) });
        at = end;
    }
    assert.equal(at, b.length);
    return out;
}

eachLuaVersion("protocol: RTCP sender report", version => {
    let board: HostBoard;
    beforeEach(() => {
        board = testBoard(version);
        board.exec(`rtcp = require("firmware.protocol.rtcp")`);
    });
    afterEach(() => board.close());

    // Boot at 2024-05-01T12:00:00Z (an era-0 NTP time), then a clock reading with a fractional second.
    const bootUnix = BigInt(Date.UTC(2024, 4, 1, 12, 0, 0) / 1000);
    const epochUs = (bootUnix + NTP_UNIX) * 1_000_000n;
    const clockUs = 123_456_789_012n;

    it("builds SR + SDES(CNAME) that rtp.js parses, with the NTP time of the clock reading and the counts", () => {
        const pkt = lua(board, `rtcp.senderReport(0xcafebabe, ${clockUs}, 3000000000, 1234, 567890, "ringcast@10.0.0.7", ${epochUs})`);
        assert.ok(isRtcp(view(pkt)));
        const compound = new CompoundPacket(view(pkt));
        const [sr, sdes] = compound.getPackets();
        assert.ok(sr instanceof SenderReportPacket);
        assert.ok(sdes instanceof SdesPacket);
        const [sec, frac] = ntp(epochUs + clockUs);
        assert.equal(sr.getSsrc() >>> 0, 0xcafebabe);
        assert.equal(sr.getNtpSeconds() >>> 0, sec);
        assert.equal(sr.getNtpFraction() >>> 0, frac);
        assert.equal(sr.getRtpTimestamp() >>> 0, 3000000000);
        assert.equal(sr.getPacketCount(), 1234);
        assert.equal(sr.getOctetCount(), 567890);
        assert.equal(sr.getReports().length, 0);
        const chunks = sdes.getChunks();
        assert.equal(chunks.length, 1);
        assert.equal(chunks[0].getSsrc() >>> 0, 0xcafebabe);
        assert.deepEqual(chunks[0].getItems(), [{ type: 1, text: "ringcast@10.0.0.7" }]);
        // By hand, RFC 3550 §6.4.1: V=2, P=0, RC=0, PT=200, length 6 (28 bytes); then SDES PT=202 with SC=1.
        const parts = walk(pkt);
        assert.deepEqual(parts.map(p => [p.version, p.padding, p.count, p.type]), [[2, false, 0, 200], [2, false, 1, 202]]);
        assert.equal(parts[0].body.length, 24);
        // NTP seconds of this instant land in 2024 (Unix time = NTP - 2208988800).
        const unix = parts[0].body.readUInt32BE(4) - Number(NTP_UNIX);
        assert.equal(new Date(unix * 1000).getUTCFullYear(), 2024);
    });

    it("pads the SDES chunk to 32 bits for every CNAME length, with at least one null octet", () => {
        for (let n = 0; n <= 9; n++) {
            const cname = "abcdefghij".slice(0, n);
            const pkt = lua(board, `rtcp.senderReport(7, 0, 0, 0, 0, "${cname}", 0)`);
            assert.equal(pkt.length % 4, 0);
            const sdes = walk(pkt)[1];
            assert.equal(sdes.body.readUInt32BE(0), 7);
            assert.equal(sdes.body[4], 1);
            assert.equal(sdes.body[5], n);
            assert.equal(sdes.body.subarray(6, 6 + n).toString("latin1"), cname);
            const rest = sdes.body.subarray(6 + n);
            assert.ok(rest.length >= 1 && rest.length <= 4 && rest.every(b => b === 0), `cname of ${n}: ${rest.length} null octets`);
        }
    });

    it("uses the epoch set with setNtpEpochUs when none is given, and wraps counts at 2^32", () => {
        board.exec(`rtcp.setNtpEpochUs(${epochUs})`);
        const pkt = lua(board, `rtcp.senderReport(1, 500000, 4294967296 + 5, 4294967296 + 6, 4294967296 * 2 + 7, "x")`);
        const b = walk(pkt)[0].body;
        const [sec, frac] = ntp(epochUs + 500_000n);
        assert.deepEqual([b.readUInt32BE(4), b.readUInt32BE(8), b.readUInt32BE(12), b.readUInt32BE(16), b.readUInt32BE(20)], [sec, frac, 5, 6, 7]);
        assert.equal(frac, 2 ** 31, "half a second is half of 2^32");
    });

    it("sends BYE after SR and SDES in one compound packet, with and without a reason", () => {
        for (const reason of [undefined, "end of file", "abc"]) {
            const arg = reason === undefined ? "nil" : JSON.stringify(reason);
            const pkt = lua(board, `rtcp.byePacket(0x01020304, 1000, 90000, 10, 1600, "cn", ${arg}, ${epochUs})`);
            const list = new CompoundPacket(view(pkt)).getPackets();
            assert.deepEqual(list.map(p => p.getPacketType()), [200, 202, 203]);
            const bye = list[2];
            assert.ok(bye instanceof ByePacket);
            assert.deepEqual(bye.getSsrcs().map(s => s >>> 0), [0x01020304]);
            assert.equal(bye.getReason(), reason);
            assert.equal(pkt.length % 4, 0);
        }
    });

    it("parses a receiver's RR with report blocks, SDES and BYE", () => {
        const rr = new ReceiverReportPacket();
        rr.setSsrc(0x11111111);
        const block = (ssrc: number, lost: number, totalLost: number, seq: number, jitter: number, lsr: number, dlsr: number) => {
            const r = new ReceptionReport();
            r.setSsrc(ssrc);
            r.setFractionLost(lost);
            r.setTotalLost(totalLost);
            r.setHighestSeqNumber(seq);
            r.setJitter(jitter);
            r.setLastSRTimestamp(lsr);
            r.setDelaySinceLastSR(dlsr);
            return r;
        };
        rr.addReport(block(0xcafebabe, 25, 1000, 70000, 321, 0xabcd1234, 65536));
        rr.addReport(block(0x22222222, 0, 0, 5, 0, 0, 0));
        const sdes = new SdesPacket();
        const bye = new ByePacket();
        bye.addSsrc(0x11111111);
        const compound = new CompoundPacket();
        compound.addPacket(rr);
        compound.addPacket(sdes);
        compound.addPacket(bye);
        const v = compound.getView();
        const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        const r = board.evaluate<{ reporters: number[]; reports: Array<Record<string, number>>; byes: number[]; receiverReport: boolean }>(
            `rtcp.parseRtcp(require("test.fixtures.protocol-files").fromHex("${bytes.toString("hex")}"))`,
        );
        assert.equal(r.receiverReport, true);
        assert.deepEqual(r.reporters, [0x11111111]);
        assert.deepEqual(r.byes, [0x11111111]);
        // Numbers of 2^31 and more go through the test bridge as text (its JSON writer uses %d, 32-bit on Lua 5.1).
        const first = board.evaluate<Record<string, string>>(
            `(function() local o = {} for k, v in pairs(rtcp.parseRtcp(require("test.fixtures.protocol-files").fromHex("${bytes.toString("hex")}")).reports[1]) do o[k] = string.format("%.0f", v) end return o end)()`,
        );
        assert.deepEqual(
            Object.fromEntries(Object.entries(first).map(([k, v]) => [k, Number(v)])),
            { ssrc: 0xcafebabe, fractionLost: 25, cumulativeLost: 1000, highestSeq: 70000, jitter: 321, lsr: 0xabcd1234, dlsr: 65536 },
        );
        assert.equal(r.reports[1].ssrc, 0x22222222);
        // A negative cumulative loss (duplicates) is a signed 24-bit field.
        const neg = Buffer.from(bytes);
        neg.writeUIntBE(0xfffffe, 8 + 4 + 1, 3);
        const n = board.evaluate<{ reports: Array<{ cumulativeLost: number }> }>(`rtcp.parseRtcp(require("test.fixtures.protocol-files").fromHex("${neg.toString("hex")}"))`);
        assert.equal(n.reports[0].cumulativeLost, -2);
        // Our own SR parses too (a reporter, no blocks).
        const own = board.evaluate<{ reporters: number[]; reports: unknown }>(`rtcp.parseRtcp(rtcp.senderReport(99, 0, 0, 0, 0, "me", 0))`);
        assert.deepEqual(own.reporters, [99]);
    });

    it("refuses malformed compounds with a reason", () => {
        const good = lua(board, `rtcp.senderReport(5, 0, 0, 0, 0, "me", 0)`);
        const bad: Array<[string, Buffer]> = [
            ["short", good.subarray(0, 6)],
            ["version 1", Buffer.concat([Buffer.from([0x40]), good.subarray(1)])],
            ["length past the end", good.subarray(0, good.length - 4)],
            ["starts with SDES", good.subarray(28)],
            ["trailing bytes", Buffer.concat([good, Buffer.from([0x80, 201])])],
        ];
        for (const [what, b] of bad) {
            const r = board.evaluate<[unknown, string]>(`{ rtcp.parseRtcp(require("test.fixtures.protocol-files").fromHex("${b.toString("hex")}")) }`);
            // A Lua table {nil, reason} serialises as an object with key "2".
            const reason = Array.isArray(r) ? r[1] : (r as unknown as Record<string, string>)["2"];
            assert.equal(typeof reason, "string", what);
            assert.ok(reason.length > 0, what);
        }
    });

    it("draws intervals within RFC 3550 bounds: 5 s minimum (2.5 s initially), x[0.5, 1.5], / (e - 3/2)", () => {
        const COMP = Math.E - 1.5;
        const draws = 1000;
        // [members, senders, rtcp bit/s, we sent, avg size, initial] and the deterministic interval per §6.3.1.
        const cases: Array<[number, number, number, boolean, number, boolean, number]> = [
            [2, 1, 3200, true, 100, false, 5], // small session: the 5 s floor
            [2, 1, 3200, true, 100, true, 2.5], // first report: halved floor
            [1000, 1, 3200, false, 100, false, (100 * 999) / (0.75 * 400)], // a receiver among many: 75 % share
            [1000, 1, 3200, true, 120, false, 5], // the one sender: 25 % share for 1 member -> floor
            [40, 30, 3200, true, 100, false, (100 * 40) / 400], // senders are not a minority: everyone shares
            [10000, 10, 8000, true, 200, false, (200 * 10) / (0.25 * 1000)],
        ];
        for (const [members, senders, bw, weSent, avg, initial, td] of cases) {
            const values = board.evaluate<number[]>(
                `(function() local t = {} for k = 0, ${draws - 1} do t[#t + 1] = rtcp.rtcpIntervalUs(${members}, ${senders}, ${bw}, ${weSent}, ${avg}, ${initial}, k / ${draws}) end return t end)()`,
            );
            const lo = ((td * 0.5) / COMP) * 1e6;
            const hi = ((td * 1.5) / COMP) * 1e6;
            assert.ok(values.every(v => v >= Math.floor(lo) && v <= hi), `${members}/${senders}: within [${lo}, ${hi}]`);
            const mean = values.reduce((a, v) => a + v, 0) / values.length;
            assert.ok(Math.abs(mean - (td / COMP) * 1e6) / ((td / COMP) * 1e6) < 0.002, `${members}/${senders}: mean ${mean}`);
            assert.ok(Math.min(...values) < lo * 1.01 && Math.max(...values) > hi * 0.99, "the draws span the randomisation range");
        }
    });
});
