// Test support: builds the firmware once per Lua version (per mocha run) and starts host boards on it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BuildResult, hostModuleBuild, listFiles, ROOT } from "../../tools/build";
import { boardIds, loadBoard } from "../../tools/boards";
import { LuaVersion } from "../../tools/harness/glue";
import { HostBoard, HostBoardOptions } from "../../tools/harness/host-board";
import { Network, SimNetwork } from "../../tools/harness/network";
import { CardFiles, StorageModel } from "../../tools/harness/storage";

/** Each test process builds into its own folder, so that runs side by side never read a half-written build. */
const buildRoot = path.join(os.tmpdir(), `ringcast-test-${process.pid}`);
process.on("exit", () => fs.rmSync(buildRoot, { recursive: true, force: true }));

/** Every Lua version some board uses: each firmware test runs under all of them. */
export function luaVersions(): LuaVersion[] {
    const set = new Set<LuaVersion>();
    for (const id of boardIds()) set.add(loadBoard(id).luaVersion);
    set.add("5.1");
    set.add("5.3");
    return [...set].sort();
}

/** The host firmware plus the test fixtures, one Lua file per module, for the given Lua version. */
export function testBuild(version: LuaVersion): BuildResult {
    return hostModuleBuild(loadBoard("host"), version, path.join(buildRoot, version), listFiles(path.join(ROOT, "test", "fixtures"), ".ts"));
}

export interface TestBoardOptions {
    files?: Map<string, Buffer> | string;
    storage?: StorageModel;
    network?: Network;
    clock?: "virtual" | "real";
    log?: (line: string) => void;
    seed?: number;
    timerTickUs?: number;
}

/** A host board in virtual time on the simulated network, with the given card contents. */
export function testBoard(version: LuaVersion, options: TestBoardOptions = {}): HostBoard {
    const build = testBuild(version);
    const opts: HostBoardOptions = {
        buildDir: build.outDir,
        luaVersion: version,
        clock: options.clock ?? "virtual",
        network: options.network ?? new SimNetwork(),
        card: new CardFiles(options.files ?? new Map()),
        storage: options.storage,
        log: options.log ?? (() => undefined),
        seed: options.seed ?? 12345,
        timerTickUs: options.timerTickUs,
    };
    return new HostBoard(opts);
}

/** Runs `body` once per Lua version inside its own describe block. */
export function eachLuaVersion(title: string, body: (version: LuaVersion) => void): void {
    for (const v of luaVersions()) {
        describe(`${title} (Lua ${v})`, function () {
            this.timeout(120_000);
            before(() => testBuild(v));
            body(v);
        });
    }
}
