// `ringcast bench`: runs the sweep, writes the Markdown table, the charts and the JSON results to a folder.
import type { Command } from "commander";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../build";
import { writeCharts } from "./charts";
import { markdown } from "./report";
import { runBench } from "./run";

export function benchCommand(program: Command): void {
    program
        .command("bench")
        .description("Deviation and jitter against rate, two-task vs the sequential baseline (virtual time and real time on loopback, with and without storage stalls), the host board's real-time targets beside GStreamer and ffmpeg (timed by a tcpdump capture when allowed), and the board budget; writes a table and charts")
        .option("--quick", "a short run (seconds): fewer rates, shorter media, coarse break search")
        .option("--board <id>", "the board simulated in virtual time", "olimex-esp32-poe")
        .option("--out <dir>", "where the report goes (default: bench/results in the project)")
        .option("--json", "print the results as JSON on stdout")
        .action(async (opts: { quick?: boolean; board: string; out?: string; json?: boolean }) => {
            const out = opts.out ?? path.join(ROOT, "bench", "results");
            const work = fs.mkdtempSync(path.join(os.tmpdir(), "ringcast-bench-"));
            const started = Date.now();
            const progress = (line: string): void => void process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
            try {
                const results = await runBench({ quick: !!opts.quick, board: opts.board, work, progress });
                const command = `ringcast bench${opts.quick ? " --quick" : ""}${opts.board !== "olimex-esp32-poe" ? ` --board ${opts.board}` : ""}`;
                fs.mkdirSync(out, { recursive: true });
                fs.writeFileSync(path.join(out, "results.md"), markdown(results, command));
                fs.writeFileSync(path.join(out, "results.json"), JSON.stringify(results, null, 1) + "\n");
                const charts = await writeCharts(results, out);
                progress(`wrote ${[path.join(out, "results.md"), path.join(out, "results.json"), ...charts].map(f => path.relative(process.cwd(), f) || f).join(", ")}`);
                if (opts.json) process.stdout.write(JSON.stringify(results) + "\n");
            } finally {
                fs.rmSync(work, { recursive: true, force: true });
            }
        });
}
