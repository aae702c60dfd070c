// Every way a flash can go wrong gives a clear message within a bounded time, never a hang.
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { loadBoard } from "../tools/boards";
import { flash } from "../tools/flash/flash";
import { SerialLink } from "../tools/flash/link";
import { BoardLuaError, FlashError, Repl } from "../tools/flash/repl";
import { built, emulator, removeTempDirs, tempDir, TestEmulator } from "./flash-support";

const BOARD = "olimex-esp32-poe";
const board = loadBoard(BOARD);
const FAST = { lineMs: 3000, syncMs: 2000, bootMs: 5000 };

describe("flash errors are clear and bounded", function () {
    this.timeout(120_000);
    let e: TestEmulator | undefined;
    afterEach(async () => {
        await e?.close();
        e = undefined;
    });
    after(removeTempDirs);

    it("refuses a line over the REPL limit before sending it", async () => {
        e = await emulator(BOARD);
        const link = await SerialLink.open(e.pty, 115200);
        try {
            const repl = new Repl(link, FAST);
            await repl.sync();
            const sent = link.text.length;
            await assert.rejects(repl.exec(`print("${"x".repeat(250)}")`), /would overflow the board's 255-character REPL line/);
            assert.equal(link.text.length, sent, "nothing may be sent (no echo came back)");
        } finally {
            await link.close();
        }
    });

    it("reports a 'Lua error:' reply with the board's message", async () => {
        e = await emulator(BOARD);
        const link = await SerialLink.open(e.pty, 115200);
        try {
            const repl = new Repl(link, FAST);
            await repl.sync();
            await assert.rejects(repl.exec(`error("disk on fire")`), (err: Error) => err instanceof BoardLuaError && /Lua error: stdin:1: disk on fire/.test(err.message));
            // A board whose decoder fails mid-flash: the flash stops at the first write with that message.
            await repl.exec(`encoder.fromBase64=function() error("decoder broke") end`);
        } finally {
            await link.close();
        }
        await assert.rejects(flash({ board, dir: built(BOARD), port: e.pty, baud: 115200, timeouts: FAST }), /Lua error: stdin:1: decoder broke.* to: __rw\(/);
    });

    it("flashes a board that resets when the port opens", async () => {
        e = await emulator(BOARD, { resetOnOpen: true });
        const result = await flash({ board, dir: built(BOARD), port: e.pty, baud: 115200 });
        assert.match(result.booted ?? "", /starting set A/);
        assert.ok(e.board.boots >= 3, `expected boots at power-on, on open and after the flash (got ${e.board.boots})`);
    });

    it("flashes a busy board that keeps printing", async () => {
        e = await emulator(BOARD, { chatterMs: 5, baud: 921600 });
        const result = await flash({ board, dir: built(BOARD), port: e.pty, baud: 921600 });
        assert.match(result.booted ?? "", /starting set A/);
        assert.ok((e.console().match(/app: level/g) ?? []).length > 50, "the app printed all along");
    });

    it("says so when nothing answers on the port", async () => {
        const dir = tempDir("silent");
        const socat: ChildProcess = spawn("socat", [`pty,raw,echo=0,link=${dir}/a`, `pty,raw,echo=0,link=${dir}/b`], { stdio: "ignore" });
        try {
            const t0 = Date.now();
            while (!fs.existsSync(`${dir}/b`) && Date.now() - t0 < 5000) await new Promise(r => setTimeout(r, 10));
            await assert.rejects(flash({ board, dir: built(BOARD), port: `${dir}/b`, baud: 115200, timeouts: FAST }), /no answer from a board on .* check the cable/);
            assert.ok(Date.now() - t0 < 30_000);
        } finally {
            socat.kill("SIGTERM");
        }
        await assert.rejects(flash({ board, dir: built(BOARD), port: path.join(dir, "nothing"), baud: 115200 }), /no serial port at .*nothing/);
    });

    it("says the speed is wrong when the board answers garbage", async () => {
        e = await emulator(BOARD);
        await assert.rejects(flash({ board, dir: built(BOARD), port: e.pty, baud: 9600, timeouts: FAST }), (err: Error) => err instanceof FlashError && /unreadable bytes: wrong speed\? \(tried 9600 baud/.test(err.message));
    });
});
