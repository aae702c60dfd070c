// On UDP an RTCP BYE leaves after the last RTP packets (receivers read RTCP first); other RTCP is not held back.
import { strict as assert } from "assert";
import { SimNetwork } from "../tools/harness/network";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { withBoard } from "./rtsp-support";

/** One RTCP packet: V=2, the given type, `words` 32-bit words after the header. */
function rtcp(pt: number, words: number): Buffer {
    const b = Buffer.alloc(4 + 4 * words);
    b[0] = 0x80;
    b[1] = pt;
    b.writeUInt16BE(words, 2);
    return b;
}

const luaString = (b: Buffer): string => `"${[...b].map(x => `\\${x}`).join("")}"`;

eachLuaVersion("RTSP UDP BYE ordering", version => {
    it("finds a BYE anywhere in a compound, and nothing in other compounds or truncated ones", () => {
        const board = testBoard(version);
        withBoard(board, () => {
            const has = (b: Buffer): boolean => board.evaluate<boolean>(`require("firmware.rtsp.sinks").hasBye(${luaString(b)})`);
            assert.equal(has(Buffer.concat([rtcp(200, 6), rtcp(202, 3), rtcp(203, 1)])), true);
            assert.equal(has(Buffer.concat([rtcp(203, 1)])), true);
            assert.equal(has(Buffer.concat([rtcp(200, 6), rtcp(202, 3)])), false);
            assert.equal(has(Buffer.concat([rtcp(200, 6), rtcp(202, 3)]).subarray(0, 30)), false);
            assert.equal(has(Buffer.alloc(0)), false);
        });
    });

    it("holds a BYE 20 ms behind the RTP sent with it, and sends a report at once", () => {
        for (const [compound, delayed] of [[Buffer.concat([rtcp(200, 6), rtcp(202, 3), rtcp(203, 1)]), true], [Buffer.concat([rtcp(200, 6), rtcp(202, 3)]), false]] as const) {
            const network = new SimNetwork();
            const board = testBoard(version, { network });
            withBoard(board, () => {
                board.world.runUntil(1000);
                board.exec(`require("test.fixtures.rtsp-fake").udpSinkProbe(${luaString(compound)})`);
                board.world.runUntil(100_000);
                const rtp = network.departures.find(d => d.port === 5000)!;
                const out = network.departures.find(d => d.port === 5001)!;
                assert.ok(out.data.equals(compound), "the compound goes out unchanged");
                assert.equal(out.fromPort, 7101);
                assert.equal(out.atUs - rtp.atUs, delayed ? 20_000 : 0);
            });
        }
    });
});
