// The ringcast command line: build, boards, run, flash, monitor, probe, bench.
import { Command } from "commander";
import * as fs from "fs";
import * as path from "path";

/** Commands live in their own modules; each exports a function that registers itself on the program. */
const COMMANDS: Array<[string, string]> = [
    ["./build-command", "buildCommand"],
    ["./boards-command", "boardsCommand"],
    ["./run-command", "runCommand"],
    ["./flash/cli", "flashCommand"],
    ["./probe/cli", "probeCommand"],
    ["./bench/cli", "benchCommand"],
];

export function makeProgram(): Command {
    const program = new Command("ringcast")
        .description("Stream audio files from a board's SD card to LAN receivers over RTP/RTSP; build, run, flash, probe and benchmark.")
        .version(JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")).version)
        .showHelpAfterError();
    for (const [mod, fn] of COMMANDS) {
        const file = path.join(__dirname, mod);
        if (!fs.existsSync(file + ".ts") && !fs.existsSync(path.join(file, "index.ts")) && !fs.existsSync(file)) continue;
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const m = require(mod);
        if (typeof m[fn] === "function") m[fn](program);
    }
    return program;
}

export function main(argv: string[]): void {
    makeProgram()
        .parseAsync(argv)
        .catch((e: Error) => {
            process.stderr.write(`ringcast: ${e.message}\n`);
            process.exit(1);
        });
}
