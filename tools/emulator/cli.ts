// `ringcast emulate`: an emulated NodeMCU board on a pseudo-terminal (or this terminal), for flashing and tests without hardware.
import type { Command } from "commander";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as readline from "readline";
import type { Board } from "../../boards/board";
import { loadBoard } from "../boards";
import { EmulatedBoard } from "./board";
import { PtyLink } from "./pty";

export interface EmulateOptions {
    board: Board;
    spiffsDir: string;
    sdDir?: string;
    /** Pseudo-terminal path; absent: the console is this process's stdin/stdout. */
    pty?: string;
    baud: number;
    pace: boolean;
    resetOnOpen: boolean;
    chatterMs?: number;
    flipRx?: number;
    flipStore?: number;
    spiffsBytes: number;
    note: (line: string) => void;
    console: (bytes: Buffer) => void;
}

/** How long a board that resets on open ignores its UART (ROM boot, at 74880 baud) before NodeMCU starts. */
export const RESET_DEAF_MS = 300;

export interface RunningEmulator {
    board: EmulatedBoard;
    link?: PtyLink;
    reset(): void;
    close(): Promise<void>;
}

export async function startEmulator(o: EmulateOptions): Promise<RunningEmulator> {
    let link: PtyLink | undefined;
    let deafUntil = 0;
    const board = new EmulatedBoard({
        board: o.board,
        spiffsDir: o.spiffsDir,
        sdDir: o.sdDir,
        spiffsBytes: o.spiffsBytes,
        flipStoreEvery: o.flipStore,
        chatterMs: o.chatterMs,
        onNote: o.note,
        onConsole: b => {
            o.console(b);
            link?.write(b);
        },
    });
    const reset = (): void => {
        o.note(`reset (boot ${board.boots + 1})`);
        board.powerOn();
    };
    if (o.pty) {
        link = new PtyLink({
            path: o.pty,
            baud: o.baud,
            pace: o.pace,
            flipRxEvery: o.flipRx,
            onNote: o.note,
            onData: b => {
                if (Date.now() >= deafUntil) board.receive(b);
            },
            onOpen: () => {
                if (!o.resetOnOpen) return;
                // DTR/RTS pulse the reset line: the ROM's 74880-baud chatter reads as garbage, then NodeMCU boots.
                deafUntil = Date.now() + RESET_DEAF_MS;
                board.close();
                link!.write(Buffer.from([0xe0, 0x9c, 0xfe, 0x80, 0x82, 0x8e, 0xe2, 0x0a, 0x92, 0x9e, 0xf0]));
                setTimeout(reset, RESET_DEAF_MS);
            },
            onClose: () => undefined,
        });
        await link.start();
    }
    board.powerOn();
    return {
        board,
        link,
        reset,
        close: async () => {
            board.close();
            await link?.close();
        },
    };
}

function intArg(what: string) {
    return (v: string): number => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer`);
        return n;
    };
}

export function emulateCommand(program: Command): void {
    program
        .command("emulate")
        .description("run an emulated NodeMCU board (Wasm Lua, files on folders, loopback network) on a pseudo-terminal")
        .requiredOption("-b, --board <id>", "board id (see `ringcast boards`)")
        .option("--sd <dir>", "folder that plays the SD card (absent: no card in the slot)")
        .option("--spiffs <dir>", "folder that plays SPIFFS (default: kept per board in the temp folder)")
        .option("--pty [path]", "serve the console on a pseudo-terminal at this path (default <tmp>/ringcast-<board>.tty)")
        .option("--baud <n>", "console speed (default: the board's)", intArg("--baud"))
        .option("--no-pace", "move serial bytes as fast as they come instead of at baud/10 per second")
        .option("--reset-on-open", "reboot when the port is opened, as boards with DTR/RTS auto-reset do")
        .option("--chatter <ms>", "a busy app: print a line every <ms>", intArg("--chatter"))
        .option("--flip-rx <n>", "line noise: flip one byte of every n-th line received", intArg("--flip-rx"))
        .option("--flip-store <n>", "storage fault: flip one bit of every n-th write to a file", intArg("--flip-store"))
        .option("--spiffs-bytes <n>", "SPIFFS capacity in bytes", intArg("--spiffs-bytes"), 0x70000 * 0.75)
        .action(async (opts: { board: string; sd?: string; spiffs?: string; pty?: string | boolean; baud?: number; pace: boolean; resetOnOpen?: boolean; chatter?: number; flipRx?: number; flipStore?: number; spiffsBytes: number }) => {
            const board = loadBoard(opts.board);
            if (board.platform !== "nodemcu") throw new Error(`${board.id} is not a NodeMCU board (use \`ringcast run\` for the host board)`);
            const pty = opts.pty === true ? path.join(os.tmpdir(), `ringcast-${board.id}.tty`) : opts.pty || undefined;
            const note = (line: string): void => void process.stderr.write(`emulator: ${line}\n`);
            const running = await startEmulator({
                board,
                spiffsDir: path.resolve(opts.spiffs ?? path.join(os.tmpdir(), "ringcast-emulator", board.id, "spiffs")),
                sdDir: opts.sd ? path.resolve(opts.sd) : undefined,
                pty,
                baud: opts.baud ?? board.serial?.baud ?? 115200,
                pace: opts.pace,
                resetOnOpen: Boolean(opts.resetOnOpen),
                chatterMs: opts.chatter,
                flipRx: opts.flipRx,
                flipStore: opts.flipStore,
                spiffsBytes: opts.spiffsBytes,
                note,
                console: b => void process.stdout.write(b),
            });
            const stop = async (): Promise<void> => {
                await running.close();
                process.exit(0);
            };
            process.on("SIGTERM", () => void stop());
            process.on("SIGINT", () => void stop());
            if (pty) {
                note(`ready: ${board.id} on ${pty} at ${opts.baud ?? board.serial?.baud ?? 115200} baud (stdin: reset, kill-link, quit)`);
                // Control lines on stdin drive the tests: power-cycle the board, cut the cable, stop.
                readline.createInterface({ input: process.stdin }).on("line", line => {
                    const cmd = line.trim();
                    if (cmd === "reset") running.reset();
                    else if (cmd === "kill-link") running.link?.killLink();
                    else if (cmd === "quit") void stop();
                });
                // A pipe closing means the controlling process is gone (a terminal or /dev/null never ends it).
                if (fs.fstatSync(0).isFIFO()) process.stdin.on("end", () => void stop());
            } else {
                if (process.stdin.isTTY) process.stdin.setRawMode(true);
                process.stdin.on("data", (d: Buffer) => (d.includes(3) && process.stdin.isTTY ? void stop() : running.board.receive(d)));
            }
        });
}
