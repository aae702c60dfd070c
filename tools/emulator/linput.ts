// The console's line input (components/lua/common/linput.c): echo, backspace, CR/LF pairs, the 255-character line.

const CR = 13;
const LF = 10;
const BS = 8;
const DEL = 127;
/** LUA_MAXINPUT: a line longer than 255 characters silently restarts at position 0, losing its start. */
export const LINE_BUFFER = 256;

export interface LineSink {
    echo(bytes: Buffer): void;
    /** A complete line (without its end), to run at LOW priority. */
    line(text: Buffer): void;
    /** An empty line just re-prints the current prompt. */
    emptyLine(): void;
}

export class LineInput {
    private buf = Buffer.alloc(LINE_BUFFER);
    private pos = 0;
    private lastNl = 0;
    echoOn = true;

    constructor(private readonly sink: LineSink) {}

    reset(): void {
        this.pos = 0;
        this.lastNl = 0;
        this.echoOn = true;
    }

    feed(ch: number): void {
        const last = this.lastNl;
        if ((ch === CR && last === LF) || (ch === LF && last === CR)) return;
        if (ch === DEL || ch === BS) {
            if (this.pos > 0) {
                if (this.echoOn) this.sink.echo(Buffer.from("\b \b"));
                this.pos--;
            }
            return;
        }
        if (ch === CR || ch === LF) {
            this.lastNl = ch;
            if (this.echoOn) this.sink.echo(Buffer.from("\n"));
            if (this.pos === 0) {
                this.sink.emptyLine();
                return;
            }
            const line = Buffer.from(this.buf.subarray(0, this.pos));
            this.pos = 0;
            this.sink.line(line);
            return;
        }
        this.lastNl = 0;
        if (this.echoOn) this.sink.echo(Buffer.from([ch]));
        if (this.pos + 1 >= LINE_BUFFER) this.pos = 0;
        this.buf[this.pos++] = ch;
    }
}
