// Talking to the NodeMCU REPL: sync to its prompt, run one line at a time, and turn every failure into a clear message.
import { LinkError, SerialLink } from "./link";

/** The REPL keeps 255 characters of a line (LUA_MAXINPUT 256); we stay under it with room to spare. */
export const MAX_LINE = 250;

export class FlashError extends Error {}

/** The board answered a line with "Lua error:". */
export class BoardLuaError extends FlashError {}

export interface ReplTimeouts {
    /** Per line run (writes, checksums of large files take longer on a real board). */
    lineMs: number;
    /** Whole sync, on top of the board's resetOnOpenMs. */
    syncMs: number;
    /** A restart, from node.restart() to the prompt. */
    bootMs: number;
}

export const DEFAULT_TIMEOUTS: ReplTimeouts = { lineMs: 5000, syncMs: 4000, bootMs: 8000 };

/** The prompt the REPL prints when a line is done: at a line start, possibly followed by app output already. */
const PROMPT = /(^|\n)(>>?) /;

/** Share of received bytes that are not printable ASCII: high when the speeds do not match. */
function garbageRatio(s: string): number {
    if (!s.length) return 0;
    let bad = 0;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 126 || (c < 32 && c !== 10 && c !== 13 && c !== 9 && c !== 8)) bad++;
    }
    return bad / s.length;
}

function tail(s: string, n = 160): string {
    const t = s.length > n ? "..." + s.slice(-n) : s;
    return JSON.stringify(t);
}

export class Repl {
    /** Lines whose echo did not come back as sent (noise or interleaved app output); reported if verification fails. */
    echoMismatches = 0;

    constructor(readonly link: SerialLink, readonly timeouts: ReplTimeouts = DEFAULT_TIMEOUTS) {}

    /**
     * Gets a prompt: sends a print of a token built at run time (so its echo cannot match) until the answer and a prompt
     * come back. Tolerates boot output, app output and the garbage of a reset; tells apart silence, a wrong speed and a
     * board that answers but not as a Lua REPL.
     */
    async sync(extraMs = 0): Promise<void> {
        const start = this.link.text.length;
        const deadline = Date.now() + this.timeouts.syncMs + extraMs;
        let attempt = 0;
        while (Date.now() < deadline) {
            const token = `${Date.now() % 100000}${attempt++}`;
            const from = this.link.text.length;
            await this.link.write(`\nprint("rc".."sync${token}")\n`);
            const want = new RegExp(`(^|\\n)rcsync${token}\\r?\\n(?:[^]*\\n)?> `);
            try {
                await this.link.wait(t => (want.test(t.slice(from)) ? true : undefined), Math.min(1000, Math.max(1, deadline - Date.now())), "the prompt");
                return;
            } catch (e) {
                if (this.link.closed) throw e;
            }
        }
        const got = this.link.text.slice(start);
        const where = `${this.link.path} at ${this.link.baud} baud`;
        if (got.length === 0) throw new FlashError(`no answer from a board on ${where}: check the cable, that the board is powered and running NodeMCU, and --port`);
        if (garbageRatio(got) > 0.3) throw new FlashError(`the board on ${this.link.path} answers with unreadable bytes: wrong speed? (tried ${this.link.baud} baud; set --baud to the firmware's console speed)`);
        throw new FlashError(`the device on ${where} answers, but not as a NodeMCU Lua prompt within ${this.timeouts.syncMs + extraMs} ms; last output: ${tail(got)}`);
    }

    /** Runs one line; returns what it printed (echo and prompt removed). Throws BoardLuaError on "Lua error:". */
    async exec(line: string, timeoutMs = this.timeouts.lineMs): Promise<string> {
        if (line.length > MAX_LINE) throw new FlashError(`internal: a ${line.length}-character line would overflow the board's ${MAX_LINE + 5}-character REPL line (its start would be lost)`);
        if (/[\r\n]/.test(line)) throw new FlashError("internal: a REPL line cannot contain a line break");
        const from = this.link.text.length;
        await this.link.write(line + "\n");
        let text: string;
        try {
            text = await this.link.wait(t => (PROMPT.test(t.slice(from)) ? t.slice(from) : undefined), timeoutMs, `the board to run: ${line.slice(0, 60)}`);
        } catch (e) {
            if (e instanceof LinkError && !this.link.closed) {
                const got = this.link.text.slice(from);
                throw new FlashError(`${e.message} (received ${tail(got)}); the board may be busy, stuck, or reset`);
            }
            throw e;
        }
        const prompt = PROMPT.exec(text)!;
        let body = text.slice(0, prompt.index + prompt[1].length);
        if (body.startsWith(line + "\n")) body = body.slice(line.length + 1);
        else {
            this.echoMismatches++;
            const nl = body.indexOf("\n");
            body = nl >= 0 ? body.slice(nl + 1) : "";
        }
        const err = /Lua error:\s*([^\n]*(?:\n\t[^\n]*)*)/.exec(body);
        if (err) throw new BoardLuaError(`the board answered "Lua error: ${err[1].split("\n")[0].trim()}" to: ${line.length > 80 ? line.slice(0, 77) + "..." : line}`);
        if (prompt[2] === ">>") {
            await this.link.write("\n");
            throw new FlashError(`the board waits for the rest of a statement after: ${line.slice(0, 80)} (line cut short on the way?)`);
        }
        return body;
    }

    /** Runs a line that prints one `tag ...` line; returns its fields. */
    async query(line: string, tag: string, timeoutMs?: number): Promise<string[]> {
        const out = await this.exec(line, timeoutMs);
        const m = new RegExp(`(^|\\n)${tag}\\t([^\\n]*)`).exec(out);
        if (!m) throw new FlashError(`unexpected answer to ${line.slice(0, 60)}: ${tail(out)}`);
        return m[2].split("\t");
    }
}
