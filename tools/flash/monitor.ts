// `ringcast monitor`: the board's console on this terminal, keys straight to the board; Ctrl-] quits.
import { SerialLink } from "./link";

export async function monitor(port: string, baud: number): Promise<void> {
    const link = await SerialLink.open(port, baud);
    process.stderr.write(`monitor: ${port} at ${baud} baud (Ctrl-] quits)\n`);
    link.onChunk(chunk => process.stdout.write(Buffer.from(chunk, "latin1")));
    const stdin = process.stdin;
    if (stdin.isTTY) stdin.setRawMode(true);
    await new Promise<void>(resolve => {
        stdin.on("data", (d: Buffer) => {
            if (d.includes(0x1d)) return resolve();
            // Terminals send CR for Enter; the REPL takes CR, LF or both.
            void link.write(d.toString("latin1")).catch(() => resolve());
        });
        stdin.on("end", () => resolve());
        void link.wait(() => (link.closed ? true : undefined), 2 ** 31 - 1, "the link").catch(() => resolve());
    });
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
    await link.close();
}
