// A firmware periodic task fires on schedule in virtual time over 10 simulated minutes; overruns and skips are counted.
import { strict as assert } from "assert";
import { eachLuaVersion, testBoard } from "./support/firmware";

const MINUTES_10 = 600e6;

eachLuaVersion("periodic task keeps its schedule", version => {
    it("runs every period for 10 simulated minutes, never late, at phase + k*period", () => {
        const period = 10_000;
        const phase = 2_500;
        const board = testBoard(version);
        try {
            board.exec(`run = require("test.fixtures.periodic").start(${period}, ${phase}, 0, 50)`);
            board.world.runUntil(MINUTES_10);
            const r = board.evaluate<{ runs: number; overruns: number; skipped: number; lateMax: number; releases: number[]; nows: number[] }>(
                `{ runs = run.task.runs, overruns = run.task.overruns, skipped = run.task.skipped, lateMax = run.task.lateness.maxUs, releases = run.releases, nows = run.nows }`,
            );
            assert.equal(r.runs, Math.floor((MINUTES_10 - phase) / period) + 1);
            assert.equal(r.overruns, 0);
            assert.equal(r.skipped, 0);
            assert.equal(r.lateMax, 0);
            r.releases.forEach((rel, k) => assert.equal(rel, phase + k * period));
            assert.deepEqual(r.nows, r.releases);
        } finally {
            board.close();
        }
    });

    it("counts overruns and skipped releases when a run blocks on storage, and never bursts to catch up", () => {
        const period = 10_000;
        const stall = 25_000; // every 100th run blocks 2.5 periods
        const every = 100;
        const board = testBoard(version, {
            files: new Map([["stall.bin", Buffer.from("x")]]),
            storage: { mode: "blocking", bytesPerSecond: 0, overheadUs: stall },
        });
        try {
            board.exec(`run = require("test.fixtures.periodic").start(${period}, 0, ${every}, 0)`);
            board.world.runUntil(MINUTES_10);
            const r = board.evaluate<{ runs: number; overruns: number; skipped: number; lateMax: number }>(
                `{ runs = run.task.runs, overruns = run.task.overruns, skipped = run.task.skipped, lateMax = run.task.lateness.maxUs }`,
            );
            // Independent model of the rule: a stalled run ends at release + stall; releases a whole period behind are dropped.
            let t = 0, runs = 0, overruns = 0, skipped = 0, lateMax = 0, release = 0;
            while (release <= MINUTES_10) {
                const start = Math.max(release, t);
                lateMax = Math.max(lateMax, start - release);
                runs++;
                const end = runs % every === 0 ? start + stall : start;
                let next = release + period;
                if (end > next) overruns++;
                if (end >= next + period) {
                    const missed = Math.floor((end - next) / period);
                    skipped += missed;
                    next += missed * period;
                }
                t = end;
                release = next;
            }
            assert.ok(overruns > 0 && skipped > 0, "the scenario must stall");
            assert.deepEqual(r, { runs, overruns, skipped, lateMax });
        } finally {
            board.close();
        }
    });
});
