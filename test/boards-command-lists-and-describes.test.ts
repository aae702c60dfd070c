// `ringcast boards` prints a table of every board; `ringcast boards <id>` prints one with its sdkconfig lines; --json prints the data.
import { strict as assert } from "node:assert";
import { Command } from "commander";
import { boardsCommand } from "../tools/boards-command";
import { boardIds, loadBoard } from "../tools/boards";

/** Runs `ringcast <args>` and returns what it printed. */
function run(...args: string[]): string {
    const program = new Command("ringcast").exitOverride();
    boardsCommand(program).exitOverride().configureOutput({ writeErr: () => {} });
    let out = "";
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
    try {
        program.parse(args, { from: "user" });
    } finally {
        process.stdout.write = write;
    }
    return out;
}

describe("boards command lists and describes boards", () => {
    it("without an id: one row per board with Lua, numbers, PHY, SD and pool", () => {
        const lines = run("boards").trimEnd().split("\n");
        assert.match(lines[0], /^ID\s+NAME\s+LUA\s+NUMBERS\s+PHY\s+SD\s+POOL$/);
        assert.deepEqual(lines.slice(1).map(l => l.split(/\s+/)[0]), boardIds());
        assert.match(lines.find(l => l.startsWith("olimex-esp32-evb"))!, /5\.1\s+double\s+LAN87XX@0\s+sdmmc-1bit\s+48 KiB$/);
    });

    it("with an id: the wiring and every sdkconfig line to paste", () => {
        const text = run("boards", "lilygo-t-eth-lite");
        assert.match(text, /RTL8201 at address 0, MDC 23, MDIO 18, RMII clock gpio0-in, PHY power switch on GPIO12/);
        for (const line of loadBoard("lilygo-t-eth-lite").nodemcuBuild!.sdkconfig) assert.ok(text.includes(`\n  ${line}\n`), line);
    });

    it("--json prints the boards as data", () => {
        assert.deepEqual(JSON.parse(run("boards", "--json")).map((b: { id: string }) => b.id), boardIds());
        assert.equal(JSON.parse(run("boards", "host", "--json")).id, "host");
    });

    it("an unknown id is an error listing the known ids", () => {
        assert.throws(() => run("boards", "nope"), /unknown board 'nope'; known boards: host/);
    });
});
