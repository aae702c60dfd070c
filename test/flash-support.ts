// Test support for the flash and emulator tests: one build per board per run, emulators on ptys, console waits with timeouts.
import * as dgram from "dgram";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import type { Board } from "../boards/board";
import { loadBoard } from "../tools/boards";
import { buildFirmware } from "../tools/build";
import { EmulatedBoard } from "../tools/emulator/board";
import { EmulateOptions, RunningEmulator, startEmulator } from "../tools/emulator/cli";
import { INIT_LUA } from "../tools/flash/flash";
import { manifestText } from "../tools/flash/protocol";

const builds = new Map<string, string>();
const tmpRoots: string[] = [];

export function tempDir(label: string): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), `rc-${label}-`));
    tmpRoots.push(d);
    return d;
}

/** Removes every folder tempDir made (call from an after hook). */
export function removeTempDirs(): void {
    for (const d of tmpRoots.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** The real firmware built for a board, once per run. */
export function built(boardId: string): string {
    let dir = builds.get(boardId);
    if (!dir) {
        dir = path.join(os.tmpdir(), `rc-build-${process.pid}-${boardId}`);
        buildFirmware({ board: loadBoard(boardId), outDir: dir });
        builds.set(boardId, dir);
        // Shared by every test file of the run, so removed only when the run ends.
        const made = dir;
        process.once("exit", () => fs.rmSync(made, { recursive: true, force: true }));
    }
    return dir;
}

/** A copy of a build whose bundle differs (a trailing comment), to tell two firmware generations apart. */
export function variant(boardId: string, label: string): string {
    const dir = tempDir(`variant-${label}`);
    for (const f of fs.readdirSync(built(boardId))) fs.copyFileSync(path.join(built(boardId), f), path.join(dir, f));
    fs.appendFileSync(path.join(dir, "ringcast.lua"), `\n-- variant ${label}\n`);
    return dir;
}

/** A free TCP port for RTSP and an even UDP port whose successor is free too (RTP/RTCP). */
async function freePorts(): Promise<[number, number]> {
    const tcp = await new Promise<number>(resolve => {
        const srv = net.createServer().listen(0, "127.0.0.1", () => {
            const p = (srv.address() as net.AddressInfo).port;
            srv.close(() => resolve(p));
        });
    });
    for (let base = 20000 + (process.pid % 1000) * 2 + (tcp % 500) * 40; base < 60000; base += 2) {
        const ok = await Promise.all([base, base + 1].map(p => new Promise<boolean>(resolve => {
            const s = dgram.createSocket("udp4");
            s.once("error", () => resolve(false));
            s.bind(p, "127.0.0.1", () => s.close(() => resolve(true)));
        })));
        if (ok[0] && ok[1]) return [tcp, base];
    }
    throw new Error("no free UDP port pair");
}

/**
 * Writes settings.lua on an emulated SPIFFS with free RTSP and RTP ports: the firmware's boot starts its RTSP server,
 * and on the standard 554/6970 every board of a run would answer for (or steal packets from) the others.
 */
export async function freeRtspSettings(spiffsDir: string): Promise<void> {
    const [port, udpPortBase] = await freePorts();
    fs.mkdirSync(spiffsDir, { recursive: true });
    fs.writeFileSync(path.join(spiffsDir, "settings.lua"), `return { rtsp = { port = ${port}, udpPortBase = ${udpPortBase} } }\n`);
}

export interface TestEmulator extends RunningEmulator {
    board: RunningEmulator["board"];
    pty: string;
    spiffs: string;
    /** Everything the board printed. */
    console(): string;
    notes: string[];
    /** Waits for the board's console (from `from` on) to match; rejects after timeoutMs. */
    waitConsole(re: RegExp, timeoutMs: number, from?: number): Promise<RegExpExecArray>;
}

export async function emulator(boardId: string, opts: Partial<EmulateOptions> = {}): Promise<TestEmulator> {
    const board: Board = loadBoard(boardId);
    const root = tempDir("emu");
    let text = "";
    const notes: string[] = [];
    const spiffs = opts.spiffsDir ?? path.join(root, "spiffs");
    const pty = path.join(root, "tty");
    await freeRtspSettings(spiffs);
    const running = await startEmulator({
        board,
        spiffsDir: spiffs,
        sdDir: opts.sdDir,
        pty,
        baud: board.serial?.baud ?? 115200,
        pace: true,
        resetOnOpen: false,
        spiffsBytes: 0x70000 * 0.75,
        note: l => notes.push(l),
        console: b => void (text += b.toString("latin1")),
        ...opts,
    });
    const waitConsole = (re: RegExp, timeoutMs: number, from = 0): Promise<RegExpExecArray> =>
        new Promise((resolve, reject) => {
            const t0 = Date.now();
            const poll = (): void => {
                const m = re.exec(text.slice(from));
                if (m) return resolve(m);
                if (Date.now() - t0 > timeoutMs) return reject(new Error(`board console never matched ${re} within ${timeoutMs} ms; it printed: ${JSON.stringify(text.slice(-600))}`));
                setTimeout(poll, 20);
            };
            poll();
        });
    return { ...running, pty, spiffs, console: () => text, notes, waitConsole };
}

/** Puts a build on an emulated SPIFFS as a flash would leave it (set A, generation 1), without the serial round trip. */
export function installDirect(spiffsDir: string, buildDir: string): void {
    fs.mkdirSync(spiffsDir, { recursive: true });
    const files: Record<string, number> = {};
    for (const f of fs.readdirSync(buildDir).filter(n => n.endsWith(".lua"))) {
        fs.copyFileSync(path.join(buildDir, f), path.join(spiffsDir, `A.${f}`));
        files[f] = fs.statSync(path.join(buildDir, f)).size;
    }
    fs.writeFileSync(path.join(spiffsDir, "A.man"), manifestText({ gen: 1, entry: "ringcast.lua", files }));
    fs.copyFileSync(INIT_LUA, path.join(spiffsDir, "init.lua"));
}

/** An emulated board without a pty: its console in a string, lines typed straight into its UART. */
export class ConsoleBoard {
    text = "";
    readonly board: EmulatedBoard;
    private n = 0;

    constructor(boardId: string, opts: { spiffsDir: string; sdDir?: string }) {
        this.board = new EmulatedBoard({ board: loadBoard(boardId), spiffsBytes: 0x70000 * 0.75, ...opts, onConsole: b => void (this.text += b.toString("latin1")) });
    }

    async waitFor(re: RegExp, timeoutMs: number, from = 0): Promise<RegExpExecArray> {
        const t0 = Date.now();
        for (;;) {
            const m = re.exec(this.text.slice(from));
            if (m) return m;
            if (Date.now() - t0 > timeoutMs) throw new Error(`console never matched ${re} in ${timeoutMs} ms; last: ${JSON.stringify(this.text.slice(-400))}`);
            await new Promise(r => setTimeout(r, 10));
        }
    }

    /** Types a Lua statement that ends by printing; returns the tab-separated fields it printed after a unique tag. */
    async eval(expr: string, timeoutMs = 5000): Promise<string[]> {
        const tag = `rcT${++this.n}`;
        const from = this.text.length;
        this.board.receive(Buffer.from(`print("${tag}", ${expr})\n`));
        const m = await this.waitFor(new RegExp(`\\n${tag}\\t([^\\n]*)\\n|Lua error: ([^\\n]*)`), timeoutMs, from);
        if (m[2] !== undefined) throw new Error(`Lua error: ${m[2]}`);
        return m[1].split("\t");
    }

    /** Types a statement (at most one REPL line) and waits for its prompt. */
    async run(statement: string, timeoutMs = 5000): Promise<void> {
        await this.eval(`(function() ${statement} end)() or "ok"`, timeoutMs);
    }
}
