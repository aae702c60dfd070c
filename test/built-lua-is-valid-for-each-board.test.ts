// Every file the build generates for every real board, and the boot selector, compiles with that board's real luac.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { boardIds, loadBoard } from "../tools/boards";
import { buildFirmware, listFiles } from "../tools/build";
import { INIT_LUA } from "../tools/flash/flash";
import { removeTempDirs, tempDir } from "./flash-support";

function luacCheck(version: string, file: string): string | undefined {
    try {
        execFileSync(`luac${version}`, ["-p", file], { stdio: "pipe" });
        return undefined;
    } catch (e) {
        return String((e as { stderr?: Buffer }).stderr ?? e).trim();
    }
}

describe("built Lua is valid for each board's Lua version", function () {
    this.timeout(300_000);
    after(removeTempDirs);
    const ids = boardIds().filter(id => loadBoard(id).platform === "nodemcu");

    it("covers at least one board per Lua version the boards use", () => {
        assert.ok(ids.length > 0, "no NodeMCU boards in boards/");
    });

    for (const id of ids) {
        it(`${id}: every built file and init.lua pass luac -p of its version`, () => {
            const board = loadBoard(id);
            const out = tempDir(`luac-${id}`);
            const result = buildFirmware({ board, outDir: out });
            const files = listFiles(out, ".lua");
            assert.ok(files.some(f => path.basename(f) === "ringcast.lua"), "the build made no ringcast.lua");
            assert.deepEqual(files.map(f => path.relative(out, f)).sort(), result.files.map(f => f.name).sort());
            const problems = [...files, INIT_LUA].map(f => [f, luacCheck(board.luaVersion, f)]).filter(([, e]) => e !== undefined);
            assert.deepEqual(problems, [], `luac${board.luaVersion} rejects: ${problems.map(p => p.join(": ")).join("\n")}`);
        });
    }

    it("luac really rejects what the other version cannot parse (the check can fail)", () => {
        const dir = tempDir("luac-neg");
        const file = path.join(dir, "x.lua");
        require("fs").writeFileSync(file, "local a = 1 // 2 goto done ::done::\n");
        assert.equal(luacCheck("5.3", file), undefined);
        assert.notEqual(luacCheck("5.1", file), undefined);
    });
});
