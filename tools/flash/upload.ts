// Writes one file to the board in REPL lines and verifies it there (size and Adler-32 computed by the board) before it counts.
import { adler, CLOSE_LINE, Encoding, openLine, verifyLine, writeLines } from "./protocol";
import { FlashError, Repl } from "./repl";

export interface UploadProgress {
    /** File bytes written so far for this file. */
    (bytes: number): void;
}

export class VerifyError extends FlashError {}

/** Size and checksum of a file on the board, or undefined if it is not there. */
export async function boardChecksum(repl: Repl, name: string, timeoutMs?: number): Promise<{ size: number; a: number; b: number } | undefined> {
    const [size, a, b] = (await repl.query(`if __rs(${JSON.stringify(name)}) then ${verifyLine(name)} else print("rcv",-1,0,0) end`, "rcv", timeoutMs)).map(Number);
    return size < 0 ? undefined : { size, a, b };
}

export async function sameOnBoard(repl: Repl, name: string, data: Buffer, timeoutMs?: number): Promise<boolean> {
    const got = await boardChecksum(repl, name, timeoutMs);
    const want = adler(data);
    return got !== undefined && got.size === data.length && got.a === want.a && got.b === want.b;
}

/** Uploads `data` as `remote`, then checks it; throws VerifyError naming what differs. */
export async function uploadFile(repl: Repl, remote: string, label: string, data: Buffer, encoding: Encoding, progress: UploadProgress): Promise<void> {
    const lines = writeLines(data, encoding);
    const mismatchesBefore = repl.echoMismatches;
    await repl.exec(openLine(remote));
    let done = 0;
    const per = data.length / Math.max(1, lines.length);
    for (const line of lines) {
        await repl.exec(line);
        done = Math.min(data.length, done + per);
        progress(Math.round(done));
    }
    await repl.exec(CLOSE_LINE);
    // Checksumming a large file is slow on a board: allow for it in the timeout (about 1 s per 16 KB, a guess).
    const got = await boardChecksum(repl, remote, repl.timeouts.lineMs + Math.ceil(data.length / 16)) ;
    const want = adler(data);
    if (got === undefined) throw new VerifyError(`verification failed for ${label}: ${remote} is missing on the board after writing it`);
    if (got.size !== data.length || got.a !== want.a || got.b !== want.b) {
        const garbled = repl.echoMismatches - mismatchesBefore;
        const hint = garbled > 0 ? `; ${garbled} of its lines came back different from what was sent: a noisy link? try a lower --baud` : "; the lines went through intact, so the board stored something else: is its flash failing?";
        throw new VerifyError(
            `verification failed for ${label}: the board has ${got.size} bytes (Adler-32 ${got.a}/${got.b}), expected ${data.length} bytes (${want.a}/${want.b})${hint}`,
        );
    }
}
