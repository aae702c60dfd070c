// Pacing in virtual time: departures stay within one send period of the media schedule, also with 100 ms storage stalls
// every second, while the sequential baseline slips by the stall; nothing is lost either way.
import { strict as assert } from "assert";
import { SimNetwork } from "../tools/harness/network";
import { StorageModel } from "../tools/harness/storage";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { concatPayloads, deviationsUs, rtpTo } from "./support/flows";
import { makeWav, toNetworkOrder } from "./support/media";

const TIMING = { timerTickUs: 1000, sendPeriodUs: 5000, readPeriodUs: 20000, lateToleranceUs: 20000, readAheadUs: 250000 };
const STALL_US = 100_000;
const SECONDS = 6;

/** A card of 2 MB/s with 0.5 ms per read; with stalls, the first read that starts in each second waits 100 ms more. */
function card(stalls: boolean): StorageModel & { stalled: number } {
    let lastSecond = -1;
    const model = {
        mode: "async" as const,
        bytesPerSecond: 2_000_000,
        overheadUs: 500,
        stalled: 0,
        stallUs: (t: number) => {
            const second = Math.floor(t / 1e6);
            if (!stalls || second === lastSecond) return 0;
            lastSecond = second;
            model.stalled++;
            return STALL_US;
        },
    };
    return model;
}

function run(version: "5.1" | "5.3", mode: string, stalls: boolean) {
    const wav = makeWav({ rate: 44100, channels: 2, bits: 16, seconds: SECONDS });
    const net = new SimNetwork();
    const storage = card(stalls);
    const board = testBoard(version, { files: new Map([["cd.wav", wav.file]]), network: net, storage, timerTickUs: TIMING.timerTickUs });
    try {
        board.exec(`local f = require("test.fixtures.streaming")
            r = f.rig({ mode = "${mode}", timing = { timerTickUs = ${TIMING.timerTickUs}, sendPeriodUs = ${TIMING.sendPeriodUs}, readPeriodUs = ${TIMING.readPeriodUs}, lateToleranceUs = ${TIMING.lateToleranceUs}, readAheadUs = ${TIMING.readAheadUs} } })
            f.openAndPlay(r, "cd.wav", 5004)`);
        board.world.runUntil((SECONDS + 10) * 1e6);
        assert.equal(board.fault, undefined);
        const packets = rtpTo(net, 5004);
        const dev = deviationsUs(packets, 44100);
        return { packets, maxDev: Math.max(...dev), stalled: storage.stalled, complete: concatPayloads(packets).equals(toNetworkOrder(wav.data, 2)) };
    } finally {
        board.close();
    }
}

eachLuaVersion("pacing holds under storage stalls", version => {
    it("two tasks: every departure within one send period of its media time, with and without stalls", () => {
        const calm = run(version, "two-task", false);
        const stalled = run(version, "two-task", true);
        assert.ok(stalled.stalled >= SECONDS - 1, "the card stalled once a second");
        assert.ok(calm.complete && stalled.complete, "nothing lost");
        assert.ok(calm.maxDev <= TIMING.sendPeriodUs, `calm max deviation ${calm.maxDev} µs`);
        assert.ok(stalled.maxDev <= TIMING.sendPeriodUs, `max deviation with stalls ${stalled.maxDev} µs`);
    });

    it("sequential baseline: slips by the stall each time, loses nothing", () => {
        const calm = run(version, "sequential", false);
        const stalled = run(version, "sequential", true);
        assert.ok(calm.complete && stalled.complete, "nothing lost");
        // Every stall delays every later packet: after k stalls the schedule is at least k * 100 ms late.
        assert.ok(stalled.maxDev - calm.maxDev >= (stalled.stalled - 1) * STALL_US, `slip ${stalled.maxDev - calm.maxDev} µs after ${stalled.stalled} stalls`);
    });
});
