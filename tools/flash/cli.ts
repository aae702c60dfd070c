// `ringcast flash`, `ringcast monitor` (and `ringcast emulate`): build, find the port, upload with progress, watch for changes.
import { Command, InvalidArgumentError } from "commander";
import * as fs from "fs";
import * as path from "path";
import type { Board } from "../../boards/board";
import { loadBoard } from "../boards";
import { buildFirmware, ROOT } from "../build";
import { emulateCommand } from "../emulator/cli";
import { flash, FlashEvent, firmwareFiles } from "./flash";
import { monitor } from "./monitor";
import { choosePort, listUsbSerialPorts } from "./ports";
import { progressReporter } from "./progress";
import { BYTES_PER_LINE, Encoding } from "./protocol";

interface PortOptions {
    board: string;
    port?: string;
    baud?: number;
}

function positiveInt(v: string): number {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("must be a positive integer");
    return n;
}

function nodemcuBoard(id: string): Board {
    const board = loadBoard(id);
    if (board.platform !== "nodemcu") throw new Error(`${board.id} is not a NodeMCU board: nothing to flash (run it with \`ringcast run\`)`);
    return board;
}

function resolvePort(board: Board, port?: string): string {
    return port ?? choosePort(board.serial?.usbVendorIds ?? [], listUsbSerialPorts());
}

/** What a flash would do, without touching the port. */
function dryRun(board: Board, dir: string, port: string, baud: number): void {
    const files = firmwareFiles(dir);
    const encoding: Encoding = board.nodemcuBuild?.modules.includes("encoder") ? "base64" : "hex";
    const total = files.reduce((n, f) => n + f.data.length, 0);
    const lines = files.reduce((n, f) => n + Math.ceil(f.data.length / BYTES_PER_LINE[encoding]), 0);
    console.log(`would flash ${board.id} on ${port} at ${baud} baud, ${encoding} lines of ${BYTES_PER_LINE[encoding]} bytes:`);
    for (const f of files) console.log(`  ${f.name.padEnd(24)} ${String(f.data.length).padStart(8)} bytes`);
    // The echo comes back while the line goes out (full duplex): one line time at 10 bits a character, plus ~10 ms of turnaround.
    const seconds = lines * ((256 * 10) / baud + 0.01);
    console.log(`  ${"total".padEnd(24)} ${String(total).padStart(8)} bytes in ${lines} lines, about ${Math.ceil(seconds)} s plus verification`);
    console.log(`  plus init.lua (only if the board's differs) and a manifest; nothing was sent`);
}

async function flashOnce(board: Board, opts: PortOptions & { build: boolean; retries: number }, dir: string): Promise<void> {
    if (opts.build) buildFirmware({ board, outDir: dir });
    const port = resolvePort(board, opts.port);
    const reporter = progressReporter(process.stderr);
    const result = await flash({
        board,
        dir,
        port,
        baud: opts.baud ?? board.serial?.baud ?? 115200,
        retries: opts.retries,
        onEvent: (e: FlashEvent) => reporter(e),
    }).finally(() => reporter({ kind: "phase", text: "" }));
    console.log(
        `flashed ${board.id}: set ${result.slot} generation ${result.generation}, ${result.uploadedBytes} bytes in ${result.seconds.toFixed(1)} s (${Math.round(result.bytesPerSecond)} file bytes/s)`,
    );
    console.log(result.booted ? `board: ${result.booted}` : "the board did not report its boot in time: check it with `ringcast monitor`");
}

function watch(dirs: string[], run: () => Promise<void>): void {
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    let again = false;
    const trigger = (): void => {
        clearTimeout(timer);
        timer = setTimeout(async () => {
            if (running) return void (again = true);
            running = true;
            await run().catch(e => console.error(`ringcast flash: ${(e as Error).message}`));
            running = false;
            if (again) (again = false), trigger();
        }, 300);
    };
    for (const d of dirs) fs.watch(d, { recursive: true }, (_e, f) => f && /\.(ts|json|lua)$/.test(String(f)) && trigger());
    console.log(`watching ${dirs.map(d => path.relative(ROOT, d)).join(", ")}: saving a file re-flashes (Ctrl-C stops)`);
}

export function flashCommand(program: Command): void {
    program
        .command("flash")
        .description("build the firmware for a board and install it over the serial REPL, verified and atomically")
        .requiredOption("-b, --board <id>", "board id (see `ringcast boards`)")
        .option("-p, --port <path>", "serial port (default: the one USB port with the board's vendor id)")
        .option("--baud <n>", "console speed (default: the board's)", positiveInt)
        .option("--no-build", "flash dist/<board> as it is")
        .option("--dir <dir>", "flash this build folder instead of dist/<board>")
        .option("--retries <n>", "re-uploads of a file that fails verification", positiveInt, 1)
        .option("--dry-run", "show what would be sent, without opening the port")
        .option("-w, --watch", "re-build and re-flash when firmware, HAL or board files change")
        .action(async (opts: PortOptions & { build: boolean; dir?: string; retries: number; dryRun?: boolean; watch?: boolean }) => {
            const board = nodemcuBoard(opts.board);
            const dir = path.resolve(opts.dir ?? path.join(ROOT, "dist", board.id));
            if (opts.dryRun) {
                if (opts.build) buildFirmware({ board, outDir: dir });
                let port: string;
                try {
                    port = resolvePort(board, opts.port);
                } catch (e) {
                    port = `(no port: ${(e as Error).message})`;
                }
                return dryRun(board, dir, port, opts.baud ?? board.serial?.baud ?? 115200);
            }
            await flashOnce(board, opts, dir);
            if (opts.watch) watch([path.join(ROOT, "firmware"), path.join(ROOT, "hal"), path.join(ROOT, "boards")], () => flashOnce(board, opts, dir));
        });

    program
        .command("monitor")
        .description("serial console of a board (Ctrl-] quits)")
        .requiredOption("-b, --board <id>", "board id, for its port and speed")
        .option("-p, --port <path>", "serial port (default: found by the board's USB vendor id)")
        .option("--baud <n>", "console speed (default: the board's)", positiveInt)
        .action(async (opts: PortOptions) => {
            const board = nodemcuBoard(opts.board);
            await monitor(resolvePort(board, opts.port), opts.baud ?? board.serial?.baud ?? 115200);
        });

    emulateCommand(program);
}
