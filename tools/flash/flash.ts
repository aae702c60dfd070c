// Flashes a built firmware folder onto a NodeMCU board over its REPL: stop the app, write a spare set, verify, switch, restart.
import * as fs from "fs";
import * as path from "path";
import type { Board } from "../../boards/board";
import { listFiles, ROOT } from "../build";
import { SerialLink } from "./link";
import { clearSlot, Encoding, helperLines, manifestText, MAX_NAME, QUERY_APP, QUERY_FREE, QUERY_SETS, Slot, SWAP_INIT } from "./protocol";
import { DEFAULT_TIMEOUTS, FlashError, Repl, ReplTimeouts } from "./repl";
import { sameOnBoard, uploadFile, VerifyError } from "./upload";

export const INIT_LUA = path.join(ROOT, "hal", "nodemcu", "init.lua");
const SAFE_PROMPT = "press any key within";

export type FlashEvent =
    | { kind: "phase"; text: string }
    | { kind: "start"; totalBytes: number }
    | { kind: "file"; name: string; bytes: number }
    | { kind: "progress"; doneBytes: number };

export interface FlashOptions {
    board: Board;
    /** The build folder (dist/<board>): its .lua files are the firmware; source maps stay on the laptop. */
    dir: string;
    port: string;
    baud: number;
    timeouts?: ReplTimeouts;
    /** Attempts per file after a failed verification. */
    retries?: number;
    onEvent?: (e: FlashEvent) => void;
}

export interface FlashResult {
    slot: Slot;
    generation: number;
    files: Array<{ name: string; bytes: number }>;
    uploadedBytes: number;
    seconds: number;
    bytesPerSecond: number;
    /** The boot line the board printed after the restart, if seen. */
    booted?: string;
}

export interface FirmwareFile {
    name: string;
    data: Buffer;
}

/** The firmware files of a build folder, checked against SPIFFS naming before any byte is sent. */
export function firmwareFiles(dir: string): FirmwareFile[] {
    if (!fs.existsSync(path.join(dir, "ringcast.lua"))) throw new FlashError(`${dir} has no ringcast.lua: build first (ringcast build --board <id>)`);
    return listFiles(dir, ".lua").map(f => {
        const name = path.relative(dir, f).split(path.sep).join("/");
        if (name.length > MAX_NAME) throw new FlashError(`${name}: SPIFFS names hold 31 characters, so firmware file names may have ${MAX_NAME} at most`);
        return { name, data: fs.readFileSync(f) };
    });
}

/** Which set init.lua boots now, given each set's generation (-1: not bootable). */
export function bootedSlot(genA: number, genB: number): Slot | undefined {
    if (genA >= 0 && (genB < 0 || genA > genB)) return "A";
    return genB >= 0 ? "B" : undefined;
}

export async function flash(o: FlashOptions): Promise<FlashResult> {
    const files = firmwareFiles(o.dir);
    const init = fs.readFileSync(INIT_LUA);
    const emit = o.onEvent ?? (() => undefined);
    const timeouts = o.timeouts ?? DEFAULT_TIMEOUTS;
    const link = await SerialLink.open(o.port, o.baud);
    try {
        return await session(o, link, new Repl(link, timeouts), files, init, emit);
    } finally {
        await link.close();
    }
}

async function session(o: FlashOptions, link: SerialLink, repl: Repl, files: FirmwareFile[], init: Buffer, emit: (e: FlashEvent) => void): Promise<FlashResult> {
    // Whenever the boot selector offers safe mode, take it: the app must not run (or print) while files are written.
    let wantSafe = true;
    let seen = 0;
    link.onChunk(() => {
        const at = link.text.indexOf(SAFE_PROMPT, Math.max(seen, link.text.length - 400));
        if (at >= 0 && wantSafe) {
            seen = at + SAFE_PROMPT.length;
            void link.write("\n").catch(() => undefined);
        }
    });
    emit({ kind: "phase", text: `connecting to ${o.port} at ${o.baud} baud` });
    await repl.sync(o.board.serial?.resetOnOpenMs ?? 0);
    let [app, codec] = await defineHelpers(repl);
    if (app === "up") {
        emit({ kind: "phase", text: "stopping the running firmware (restart into safe mode)" });
        const before = link.text.length;
        await link.write("node.restart()\n");
        await link.wait(t => (t.includes("powered by Lua", before) ? true : undefined), repl.timeouts.bootMs, "the board to restart");
        await repl.sync(repl.timeouts.bootMs);
        [app, codec] = await defineHelpers(repl);
        // Missed the window: ask the firmware to stop itself.
        if (app === "up") await repl.exec(`RINGCAST.stop() RINGCAST=nil`);
    }
    const encoding: Encoding = codec === "b64" ? "base64" : "hex";
    const [genA, genB] = (await repl.query(QUERY_SETS, "rcq")).map(Number);
    const current = bootedSlot(genA, genB);
    const slot: Slot = current === "A" ? "B" : "A";
    const generation = Math.max(genA, genB, 0) + 1;
    emit({ kind: "phase", text: `board boots ${current ? `set ${current}` : "no set"}; writing set ${slot} (generation ${generation}, ${encoding})` });
    // The target's manifest goes first: from here on the set is invalid until its new manifest is complete.
    await repl.exec(`file.remove("${slot}.man")`);
    await repl.exec(clearSlot(slot));
    const total = files.reduce((n, f) => n + f.data.length, 0);
    const [free] = (await repl.query(QUERY_FREE, "rcf")).map(Number);
    if (free < total + 1024) throw new FlashError(`SPIFFS has ${free} bytes free; the firmware needs ${total} bytes (plus its manifest)`);
    emit({ kind: "start", totalBytes: total });
    const started = Date.now();
    let done = 0;
    for (const f of files) {
        emit({ kind: "file", name: f.name, bytes: f.data.length });
        await withRetries(o.retries ?? 1, () => uploadFile(repl, `${slot}.${f.name}`, f.name, f.data, encoding, n => emit({ kind: "progress", doneBytes: done + n })));
        done += f.data.length;
    }
    const seconds = (Date.now() - started) / 1000;
    if (!(await sameOnBoard(repl, "init.lua", init))) {
        emit({ kind: "phase", text: "installing the boot selector init.lua" });
        await withRetries(o.retries ?? 1, () => uploadFile(repl, "init.new", "init.lua", init, encoding, () => undefined));
        const [size] = (await repl.query(SWAP_INIT, "rci")).map(Number);
        if (size !== init.length) throw new FlashError(`init.lua did not land on the board (size ${size}); the previous boot files are still there: run the flash again`);
    }
    const manifest = Buffer.from(manifestText({ gen: generation, entry: "ringcast.lua", files: Object.fromEntries(files.map(f => [f.name, f.data.length])) }), "latin1");
    await withRetries(o.retries ?? 1, () => uploadFile(repl, `${slot}.man`, "the manifest", manifest, encoding, () => undefined));
    emit({ kind: "phase", text: `set ${slot} verified; restarting` });
    wantSafe = false;
    const from = link.text.length;
    await link.write("node.restart()\n");
    const booted = await link
        .wait(t => /ringcast: (starting set [AB][^\n]*|no complete[^\n]*|safe mode[^\n]*|firmware failed[^\n]*)\r?\n/.exec(t.slice(from))?.[1], repl.timeouts.bootMs, "the boot")
        .catch(() => undefined);
    return {
        slot,
        generation,
        files: files.map(f => ({ name: f.name, bytes: f.data.length })),
        uploadedBytes: total,
        seconds,
        bytesPerSecond: seconds > 0 ? total / seconds : 0,
        booted,
    };
}

/** Defines the helpers on the board (a restart forgets them); returns whether the app runs and which codec the build has. */
async function defineHelpers(repl: Repl): Promise<[string, string]> {
    const [app, codec] = await repl.query(QUERY_APP, "rca");
    for (const line of helperLines(codec === "b64" ? "base64" : "hex")) await repl.exec(line);
    return [app, codec];
}

async function withRetries(retries: number, attempt: () => Promise<void>): Promise<void> {
    for (let i = 0; ; i++) {
        try {
            return await attempt();
        } catch (e) {
            if (!(e instanceof VerifyError) || i >= retries) throw e;
        }
    }
}
