// A runtime error inside a firmware task is reported with the TypeScript file and line, not a dump of the Wasm glue.
import { strict as assert } from "assert";
import { eachLuaVersion, testBoard } from "./support/firmware";

eachLuaVersion("firmware error names the source line", version => {
    it("maps a Lua error in a periodic task to test/fixtures/periodic.ts", () => {
        const lines: string[] = [];
        const board = testBoard(version, { log: l => lines.push(l) });
        try {
            board.exec(`require("test.fixtures.periodic").boom()`);
            board.world.runUntil(5_000);
            assert.ok(board.fault, "the fault is recorded");
            assert.match(board.fault!.message, /^test\/fixtures\/periodic\.ts:\d+: attempt to index/);
            assert.ok(lines.some(l => l.startsWith("firmware error: test/fixtures/periodic.ts:")));
            assert.ok(!/wasm|glue|Module\[/.test(board.fault!.message), "no glue internals in the message");
        } finally {
            board.close();
        }
    });

    it("a syntax error in driver code is a LuaError, and the board keeps working", () => {
        const board = testBoard(version);
        try {
            assert.throws(() => board.exec("this is not lua"), { name: "LuaError" });
            assert.equal(board.evaluate("1 + 1"), 2);
        } finally {
            board.close();
        }
    });
});
