// The send lead: the network task hands each packet to the socket up to timing.sendLeadUs before its media time, stamped
// with that time, so a socket that holds datagrams (the host board's) sends them on the media clock even when the board's
// timer is coarse; with no lead the packet leaves when the timer fires.
import { strict as assert } from "assert";
import { SimNetwork } from "../tools/harness/network";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { concatPayloads, deviationsUs, rtpTo } from "./support/flows";
import { makeWav, toNetworkOrder } from "./support/media";

const TICK_US = 1000;

function run(version: "5.1" | "5.3", leadUs: number) {
    const wav = makeWav({ rate: 44100, channels: 2, bits: 16, seconds: 2 });
    const net = new SimNetwork();
    const board = testBoard(version, { files: new Map([["cd.wav", wav.file]]), network: net, timerTickUs: TICK_US });
    try {
        board.exec(`local f = require("test.fixtures.streaming")
            r = f.rig({ timing = { timerTickUs = ${TICK_US}, sendPeriodUs = 5000, sendLeadUs = ${leadUs} } })
            f.openAndPlay(r, "cd.wav", 5004)`);
        board.world.runUntil(4e6);
        assert.equal(board.fault, undefined);
        const packets = rtpTo(net, 5004);
        assert.ok(concatPayloads(packets).equals(toNetworkOrder(wav.data, 2)), "every sample, in order");
        return { packets, dev: deviationsUs(packets, 44100) };
    } finally {
        board.close();
    }
}

eachLuaVersion("sender hands packets over ahead of their time", version => {
    it("with a 5 ms lead: handed over up to 5 ms early, each stamped with its media time, none late on a 1 ms timer", () => {
        const { packets, dev } = run(version, 5000);
        const ahead = packets.map(p => p.atUs - p.handedUs);
        assert.ok(ahead.every(a => a >= 0 && a <= 5000), `handed over 0-5 ms ahead (got ${Math.min(...ahead)}-${Math.max(...ahead)} µs)`);
        assert.ok(ahead.filter(a => a > 0).length > packets.length / 2, "most packets wait in the socket for their time");
        // Media times are whole µs on the board's clock: a departure is within a µs of the media clock.
        assert.ok(Math.max(...dev) <= 1, `max deviation ${Math.max(...dev).toFixed(1)} µs`);
    });

    it("with no lead: handed over when the timer fires, so departures follow its 1 ms tick", () => {
        const { packets, dev } = run(version, 0);
        assert.ok(packets.every(p => p.atUs === p.handedUs), "sent at once");
        assert.ok(Math.max(...dev) > 100, `the tick shows (max deviation ${Math.max(...dev).toFixed(0)} µs)`);
        assert.ok(Math.max(...dev) <= TICK_US + 1, `within one tick (max deviation ${Math.max(...dev).toFixed(0)} µs)`);
    });
});
