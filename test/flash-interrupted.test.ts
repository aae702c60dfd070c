// A flash cut at random points (the cable pulled mid-transfer) never leaves the board without a complete firmware.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadBoard } from "../tools/boards";
import { flash } from "../tools/flash/flash";
import { emulator, removeTempDirs, TestEmulator, variant } from "./flash-support";

const BOARD = "olimex-esp32-poe";
/** A faster console than the board's 115200 keeps ten flashes short; the cut points scale with the measured duration. */
const BAUD = 921600;
const TRIES = 10;

async function waitListening(e: TestEmulator, count: number): Promise<void> {
    const t0 = Date.now();
    while (e.notes.filter(n => n.startsWith("listening on")).length < count) {
        // socat makes the new pair; on a loaded machine that can take several seconds.
        if (Date.now() - t0 > 30_000) throw new Error("the emulator did not serve a new pty pair within 30 s");
        await new Promise(r => setTimeout(r, 20));
    }
}

describe("flash cut at random points", function () {
    this.timeout(300_000);
    let e: TestEmulator;
    after(async () => {
        await e?.close();
        removeTempDirs();
    });

    it(`${TRIES} cuts: the board always boots a complete old or new set, then a re-flash succeeds`, async () => {
        const board = loadBoard(BOARD);
        e = await emulator(BOARD, { baud: BAUD });
        const oldDir = variant(BOARD, "old");
        const newDir = variant(BOARD, "new");
        const content = (dir: string): Buffer => fs.readFileSync(path.join(dir, "ringcast.lua"));
        let listening = 1;
        const t0 = Date.now();
        const first = await flash({ board, dir: oldDir, port: e.pty, baud: BAUD });
        const fullMs = Date.now() - t0;
        let generation = first.generation;
        const outcomes: string[] = [];
        for (let i = 0; i < TRIES; i++) {
            const cutAtMs = Math.round(Math.random() * fullMs * 1.1);
            const run = flash({ board, dir: newDir, port: e.pty, baud: BAUD }).then(
                r => `completed (generation ${r.generation})`,
                (err: Error) => `cut: ${err.message.slice(0, 80)}`,
            );
            await new Promise(r => setTimeout(r, cutAtMs));
            e.link!.killLink();
            const outcome = await run;
            // The killed pair is replaced by a new one at the same path.
            await waitListening(e, ++listening);
            // Power-cycle and see what boots.
            const from = e.console().length;
            e.reset();
            const m = await e.waitConsole(/ringcast: starting set ([AB]) \(generation (\d+)\)/, 10_000, from);
            await e.waitConsole(new RegExp(`ringcast on ${BOARD}`), 10_000, from);
            const [slot, gen] = [m[1], Number(m[2])];
            const running = fs.readFileSync(path.join(e.spiffs, `${slot}.ringcast.lua`));
            const isOld = running.equals(content(oldDir));
            const isNew = running.equals(content(newDir));
            assert.ok(isOld || isNew, `try ${i + 1} (cut at ${cutAtMs} ms, ${outcome}): set ${slot} is neither the old nor the new firmware`);
            assert.ok(gen >= generation, `try ${i + 1}: booted generation ${gen} is older than the last complete one (${generation})`);
            if (gen > generation) assert.ok(isNew, `try ${i + 1}: a newer generation must be the new firmware`);
            generation = gen;
            outcomes.push(`cut at ${cutAtMs} ms: ${outcome}; booted ${slot}/${gen} (${isNew ? "new" : "old"})`);
        }
        const final = await flash({ board, dir: newDir, port: e.pty, baud: BAUD });
        assert.match(final.booted ?? "", /starting set/);
        assert.ok(fs.readFileSync(path.join(e.spiffs, `${final.slot}.ringcast.lua`)).equals(content(newDir)));
        console.log(outcomes.map(o => `      ${o}`).join("\n"));
    });
});
