// The emulator speaks the NodeMCU REPL on a real pty: echo, prompts, the 255-character line, "Lua error:", pacing, restart.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { SerialLink } from "../tools/flash/link";
import { emulator, removeTempDirs, tempDir, TestEmulator } from "./flash-support";

describe("emulator REPL over a pty", function () {
    this.timeout(60_000);
    let e: TestEmulator;
    let link: SerialLink;

    before(async () => {
        const spiffs = tempDir("repl-spiffs");
        fs.writeFileSync(path.join(spiffs, "init.lua"), `print("init ran " .. _VERSION)`);
        e = await emulator("olimex-esp32-poe", { spiffsDir: spiffs });
        link = await SerialLink.open(e.pty, 115200);
        await link.write("\n");
        await link.wait(t => (/> $/.test(t) ? true : undefined), 5000, "a prompt");
    });
    after(async () => {
        await link?.close();
        await e?.close();
        removeTempDirs();
    });

    async function send(line: string): Promise<string> {
        const from = link.text.length;
        await link.write(line + "\n");
        return link.wait(t => (/(^|\n)>>? $/.test(t.slice(from)) ? t.slice(from) : undefined), 10_000, line.slice(0, 40));
    }

    it("echoes, answers =expr, and prompts '>> ' for an incomplete statement", async () => {
        assert.equal(await send("=6*7"), "=6*7\n42\n> ");
        assert.equal(await send("t = {"), "t = {\n>> ");
        assert.equal(await send("1, 2 }"), "1, 2 }\n> ");
        assert.equal(await send("=#t"), "=#t\n2\n> ");
    });

    it("replies 'Lua error: ' with a tab and the stdin position", async () => {
        assert.match(await send(`error("boom")`), /^error\("boom"\)\nLua error: \tstdin:1: boom\nstack traceback:/);
    });

    it("keeps a 255-character line and loses the start of a longer one", async () => {
        const fits = `x=("${"a".repeat(243)}"):len()`;
        assert.equal(fits.length, 255);
        await send(fits);
        assert.match(await send("=x"), /\n243\n/);
        // 255 characters of a statement that would set y, then a second statement: only the second survives.
        const head = `y=1 z="${"b".repeat(246)}" `;
        assert.equal(head.length, 255);
        const out = await send(`${head}error("only the tail ran")`);
        assert.match(out, /Lua error: \tstdin:1: only the tail ran/);
        assert.match(await send("=y"), /\nnil\n/, "the statement at the start never ran");
    });

    it("moves bytes at the board's speed (115200 baud is 11.5 kB/s)", async () => {
        const line = `z="${"c".repeat(200)}"`;
        const t0 = Date.now();
        for (let i = 0; i < 8; i++) await send(line);
        const ms = Date.now() - t0;
        // 8 lines of 206 characters out, the same echoed back: at least 8*206/11520 s each way.
        assert.ok(ms >= (8 * 206 * 1000) / 11520, `8 lines took ${ms} ms`);
    });

    it("node.restart() reboots into init.lua", async () => {
        const from = link.text.length;
        await link.write("node.restart()\n");
        await link.wait(t => (/powered by Lua 5\.3[^]*init ran Lua 5\.3\n[^]*> $/.test(t.slice(from)) ? true : undefined), 10_000, "the reboot");
    });
});
