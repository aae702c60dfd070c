// `ringcast build --board <id>`: transpile the firmware for a board and report sizes against its code budget.
import { Command } from "commander";
import * as path from "path";
import { buildFirmware, BuildError, checkCodeBudget, ROOT } from "./build";
import { BoardError, boardIds, loadBoard } from "./boards";

export function buildCommand(program: Command): void {
    program
        .command("build")
        .description("transpile firmware/ and the board's HAL to Lua into dist/<board>/, with a size report")
        .option("-b, --board <id>", "board id (see `ringcast boards`)", "host")
        .option("--all", "build every board")
        .option("-o, --out <dir>", "output folder (default dist/<board>)")
        .action((opts: { board: string; all?: boolean; out?: string }) => {
            const ids = opts.all ? boardIds() : [opts.board];
            let failed = false;
            for (const id of ids) {
                try {
                    const board = loadBoard(id);
                    const result = buildFirmware({ board, outDir: opts.out && !opts.all ? path.resolve(opts.out) : undefined });
                    const width = Math.max(...result.files.map(f => f.name.length), 5);
                    console.log(`${board.id} (Lua ${result.luaVersion}) -> ${path.relative(ROOT, result.outDir) || "."}`);
                    for (const f of result.files) console.log(`  ${f.name.padEnd(width)} ${String(f.bytes).padStart(8)} bytes`);
                    const pct = ((100 * result.totalBytes) / board.budget.codeBytes).toFixed(1);
                    console.log(`  ${"total".padEnd(width)} ${String(result.totalBytes).padStart(8)} bytes (${pct}% of the ${board.budget.codeBytes}-byte code budget)`);
                    checkCodeBudget(board, result);
                } catch (e) {
                    if (!(e instanceof BuildError || e instanceof BoardError)) throw e;
                    console.error(`ringcast build: ${e.message}`);
                    failed = true;
                }
            }
            if (failed) process.exitCode = 1;
        });
}
