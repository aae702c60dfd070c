// Bench boards: the firmware plus the bench fixture built once per Lua version, and host boards started on it.
import * as path from "path";
import type { Board } from "../../boards/board";
import { BuildResult, hostModuleBuild, ROOT, toLuaLiteral } from "../build";
import { loadBoard } from "../boards";
import { LuaVersion } from "../harness/glue";
import { HostBoard } from "../harness/host-board";
import { Network } from "../harness/network";
import { CardFiles, StorageModel } from "../harness/storage";

/** Host firmware and tools/bench/fixture.ts, one Lua file per module, in dist/bench-<version>. */
export function benchBuild(version: LuaVersion): BuildResult {
    return hostModuleBuild(loadBoard("host"), version, path.join(ROOT, "dist", `bench-${version}`), [path.join(__dirname, "fixture.ts")]);
}

/**
 * The board a sweep runs on: its timing and SD costs as they are, admission limits lifted (streams, bandwidth, pool) so
 * that the sweep measures pacing past the rates the board would admit; the pool figures are reported on their own.
 */
export function sweepBoard(board: Board): Board {
    return {
        ...board,
        budget: { ...board.budget, maxStreams: 64, maxBitsPerSecond: 1e9, poolBytes: Math.max(board.budget.poolBytes, board.budget.bufferBytes * 2048) },
    };
}

/** What the firmware reads at run time, as a Lua table constructor (laptop-only fields left out). */
export function boardLiteral(board: Board): string {
    const { nodemcuBuild: _b, serial: _s, name: _n, ...rest } = board;
    return toLuaLiteral(rest);
}

export interface BenchBoardOptions {
    board: Board;
    clock: "virtual" | "real";
    network: Network;
    card: CardFiles;
    storage?: StorageModel;
}

/** A host board with the bench fixture loaded as global `R` (a rig on `board` in the given send mode). */
export function startBench(o: BenchBoardOptions, mode: "two-task" | "sequential", prelude = ""): HostBoard {
    const version = o.board.luaVersion;
    const build = benchBuild(version);
    const host = new HostBoard({
        buildDir: build.outDir,
        luaVersion: version,
        clock: o.clock,
        network: o.network,
        card: o.card,
        storage: o.storage,
        log: () => undefined,
        seed: 4242,
        timerTickUs: o.board.timing.timerTickUs,
        sendsAhead: mode === "two-task" && (o.board.timing.sendLeadUs ?? 0) > 0,
    });
    try {
        host.exec(`${prelude}
            F = require("tools.bench.fixture")
            R = F.rig(${boardLiteral(o.board)}, "${mode}")`);
    } catch (e) {
        host.close();
        throw e;
    }
    return host;
}
