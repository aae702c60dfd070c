// Flash progress: a cli-progress bar on a terminal, plain phase lines otherwise (CI logs, pipes).
import { SingleBar, Presets } from "cli-progress";
import type { FlashEvent } from "./flash";

export function progressReporter(out: NodeJS.WriteStream): (e: FlashEvent) => void {
    const tty = Boolean(out.isTTY);
    let bar: SingleBar | undefined;
    let file = "";
    return e => {
        if (e.kind === "phase") {
            bar?.stop();
            bar = undefined;
            if (e.text) out.write(`${e.text}\n`);
        } else if (e.kind === "start") {
            if (!tty) return;
            bar = new SingleBar({ format: "{bar} {percentage}% | {value}/{total} bytes | {file} | {speed} B/s", stream: out, hideCursor: true }, Presets.shades_classic);
            bar.start(e.totalBytes, 0, { file: "", speed: 0 });
            (bar as unknown as { startedAt: number }).startedAt = Date.now();
        } else if (e.kind === "file") {
            file = e.name;
            if (!tty) out.write(`  ${e.name} (${e.bytes} bytes)\n`);
        } else if (bar) {
            const secs = (Date.now() - (bar as unknown as { startedAt: number }).startedAt) / 1000;
            bar.update(e.doneBytes, { file, speed: secs > 0 ? Math.round(e.doneBytes / secs) : 0 });
        }
    };
}
