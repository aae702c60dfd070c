// Verification on the board catches corrupted data (a garbled line, a bad store): the flash fails clearly, the old set stays.
import { strict as assert } from "assert";
import { loadBoard } from "../tools/boards";
import { flash } from "../tools/flash/flash";
import { emulator, removeTempDirs, TestEmulator, variant } from "./flash-support";

const BOARD = "olimex-esp32-poe";
const BAUD = 921600;

describe("flash verification catches corrupted data", function () {
    this.timeout(120_000);
    let e: TestEmulator;
    const board = loadBoard(BOARD);

    beforeEach(async () => {
        e = await emulator(BOARD, { baud: BAUD });
        await flash({ board, dir: variant(BOARD, "good"), port: e.pty, baud: BAUD });
    });
    afterEach(async () => {
        await e.close();
    });
    after(removeTempDirs);

    async function failsAndOldBoots(expected: RegExp): Promise<void> {
        await assert.rejects(flash({ board, dir: variant(BOARD, "next"), port: e.pty, baud: BAUD, retries: 1 }), expected);
        const from = e.console().length;
        e.reset();
        await e.waitConsole(/ringcast: starting set A \(generation 1\)/, 10_000, from);
    }

    it("a line garbled on the way in (still valid base64) fails the flash with the file named", async () => {
        // Every 20th line arrives with one character changed: each upload of ringcast.lua gets hit.
        e.link!.options.flipRxEvery = 20;
        await failsAndOldBoots(/verification failed for ringcast\.lua: the board has \d+ bytes \(Adler-32 \d+\/\d+\), expected \d+ bytes .*came back different/);
    });

    it("data the board stores wrongly fails the flash, and says the link was fine", async () => {
        e.board.files.options.flipStoreEvery = 50;
        await failsAndOldBoots(/verification failed for ringcast\.lua: .*went through intact/);
    });
});
