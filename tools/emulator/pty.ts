// The emulated board's UART on a real pseudo-terminal: a socat pty pair, open/close detection, baud pacing, line faults.
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import { SerialPort } from "serialport";

export interface PtyLinkOptions {
    /** The end users and tools open (a symlink socat keeps to the current /dev/pts/N). */
    path: string;
    /** The board's console speed: bytes move at baud/10 per second each way; a host at another speed gets garbage. */
    baud: number;
    pace?: boolean;
    /** Bytes from the host, already paced (and garbled or flipped when the fault options say so). */
    onData: (bytes: Buffer) => void;
    onOpen: () => void;
    onClose: () => void;
    onNote?: (line: string) => void;
    /** Line noise: every n-th line the host sends reaches the board with one byte flipped. */
    flipRxEvery?: number;
}

/** What a UART at the wrong speed makes of a byte: framing errors, mostly unprintable bytes with the top bit set. */
export const garble = (b: number): number => ((b * 13 + 0x5b) & 0x7f) | 0x80;

export class PtyLink {
    private socat?: ChildProcess;
    private port?: SerialPort;
    private connected = false;
    private closing = false;
    private rx: number[] = [];
    private tx: number[] = [];
    private pump?: NodeJS.Timeout;
    private lastPumpNs = process.hrtime.bigint();
    private wrongBaud?: boolean;
    private linesIn = 0;
    /** Host opens seen, for tests and notes. */
    opens = 0;

    constructor(private readonly options: PtyLinkOptions) {}

    get boardEnd(): string {
        return `${this.options.path}.board`;
    }

    /** Starts socat and attaches the board to its end; resolves once the user end exists. */
    async start(): Promise<void> {
        this.closing = false;
        for (const p of [this.options.path, this.boardEnd]) if (fs.existsSync(p)) fs.rmSync(p, { force: true });
        // wait-slave holds the transfer until the host opens its end: that moment is the "port opened" event.
        const socat = spawn("socat", ["-d", "-d", `pty,raw,echo=0,link=${this.boardEnd}`, `pty,raw,echo=0,link=${this.options.path},wait-slave,pty-interval=0.01`], { stdio: ["ignore", "ignore", "pipe"] });
        this.socat = socat;
        let log = "";
        socat.stderr!.on("data", d => {
            log += d.toString();
            if (!this.connected && /starting data transfer loop/.test(log)) this.hostOpened();
            // The host closed its end: socat would linger half a second, during which a new open would get the dying pty.
            if (this.connected && /at EOF|Input\/output error/.test(log) && this.socat === socat) {
                fs.rmSync(this.options.path, { force: true });
                socat.kill("SIGKILL");
            }
        });
        socat.on("exit", () => this.linkDown(socat));
        const deadline = Date.now() + 5000;
        while (!(fs.existsSync(this.boardEnd) && fs.existsSync(this.options.path))) {
            if (Date.now() > deadline || socat.exitCode !== null) throw new Error(`socat did not create the pty pair: ${log.trim() || "no output"}`);
            await new Promise(r => setTimeout(r, 5));
        }
        const port = new SerialPort({ path: this.boardEnd, baudRate: this.options.baud, autoOpen: false });
        await new Promise<void>((resolve, reject) => port.open(e => (e ? reject(e) : resolve())));
        port.on("data", (d: Buffer) => this.fromHost(d));
        port.on("error", () => undefined);
        this.port = port;
        this.options.onNote?.(`listening on ${this.options.path}`);
    }

    private hostOpened(): void {
        this.connected = true;
        this.opens++;
        this.wrongBaud = undefined;
        this.linesIn = 0;
        this.rx.length = 0;
        this.tx.length = 0;
        this.options.onNote?.("host opened the port");
        this.options.onOpen();
    }

    /** socat exits when the host closes its end (or the link is killed): the board stays up, a new pair takes over. */
    private linkDown(socat: ChildProcess): void {
        if (this.socat !== socat) return;
        const port = this.port;
        this.port = undefined;
        this.socat = undefined;
        if (port?.isOpen) port.close(() => undefined);
        if (this.connected) {
            this.connected = false;
            this.options.onNote?.("host closed the port");
            this.options.onClose();
        }
        if (!this.closing) this.start().catch(e => this.options.onNote?.(`cannot restart the pty pair: ${(e as Error).message}`));
    }

    private fromHost(d: Buffer): void {
        if (this.wrongBaud === undefined) this.wrongBaud = this.hostBaud() !== this.options.baud;
        const every = this.options.flipRxEvery;
        for (let b of d) {
            if (this.wrongBaud) b = garble(b);
            if (every && (b === 10 || b === 13) && ++this.linesIn % every === 0 && this.rx.length >= 8) {
                // Flip a byte a few characters before the line's end: inside the payload of an upload line.
                this.rx[this.rx.length - 8] ^= 0x01;
            }
            this.rx.push(b);
        }
        this.schedule();
    }

    /** The speed the host set on its end, read back with stty (a pty keeps termios even though it ignores speed). */
    private hostBaud(): number {
        try {
            return Number(execFileSync("stty", ["-F", this.options.path, "speed"], { encoding: "utf8", timeout: 2000 }).trim());
        } catch {
            return this.options.baud;
        }
    }

    /** Board output; dropped while nobody has the port open, as a USB bridge does. */
    write(bytes: Buffer): void {
        if (!this.connected) return;
        for (let b of bytes) this.tx.push(this.wrongBaud ? garble(b) : b);
        this.schedule();
    }

    private schedule(): void {
        if (this.pump) return;
        this.lastPumpNs = process.hrtime.bigint();
        this.pump = setInterval(() => this.move(), 1);
    }

    /** Moves the bytes a UART would have moved since the last turn, in each direction independently. */
    private move(): void {
        const now = process.hrtime.bigint();
        const budget = this.options.pace === false ? Infinity : Math.floor((Number(now - this.lastPumpNs) / 1e9) * (this.options.baud / 10));
        if (budget < 1) return;
        this.lastPumpNs = now;
        const inBytes = this.rx.splice(0, Math.min(budget, this.rx.length));
        const outBytes = this.tx.splice(0, Math.min(budget, this.tx.length));
        if (outBytes.length && this.port?.isOpen) this.port.write(Buffer.from(outBytes));
        if (inBytes.length) this.options.onData(Buffer.from(inBytes));
        if (!this.rx.length && !this.tx.length) {
            clearInterval(this.pump);
            this.pump = undefined;
        }
    }

    /** Cuts the cable: the host sees its port die mid-transfer; a new pair appears at the same path. */
    killLink(): void {
        this.socat?.kill("SIGKILL");
    }

    async close(): Promise<void> {
        this.closing = true;
        if (this.pump) clearInterval(this.pump);
        this.pump = undefined;
        const socat = this.socat;
        this.socat = undefined;
        const port = this.port;
        this.port = undefined;
        if (port?.isOpen) await new Promise<void>(r => port.close(() => r()));
        if (socat && socat.exitCode === null) {
            const exited = new Promise<void>(r => socat.once("exit", () => r()));
            socat.kill("SIGTERM");
            await Promise.race([exited, new Promise(r => setTimeout(r, 2000))]);
        }
        for (const p of [this.options.path, this.boardEnd]) fs.rmSync(p, { force: true });
    }
}
