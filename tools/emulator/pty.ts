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
    /** Line noise: every n-th data line (100 characters or more) the host sends reaches the board with one byte changed. */
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
    private watch?: NodeJS.Timeout;
    private keeper?: number;
    private slave = "";
    private lastPumpNs = process.hrtime.bigint();
    private wrongBaud?: boolean;
    private linesIn = 0;
    private lineLen = 0;
    /** Host opens seen, for tests and notes. */
    opens = 0;

    /** Options stay adjustable while running (tests switch faults on after a clean flash). */
    constructor(readonly options: PtyLinkOptions) {}

    get boardEnd(): string {
        return `${this.options.path}.board`;
    }

    /** Starts socat and attaches the board to its end; resolves once the user end exists. */
    async start(): Promise<void> {
        this.closing = false;
        for (const p of [this.options.path, this.boardEnd]) if (fs.existsSync(p)) fs.rmSync(p, { force: true });
        const socat = spawn("socat", ["-d", "-d", `pty,raw,echo=0,link=${this.boardEnd}`, `pty,raw,echo=0,link=${this.options.path}`], { stdio: ["ignore", "ignore", "pipe"] });
        this.socat = socat;
        let log = "";
        socat.stderr!.on("data", d => (log += d.toString()));
        socat.on("exit", () => this.linkDown(socat));
        const deadline = Date.now() + 5000;
        while (!(fs.existsSync(this.boardEnd) && fs.existsSync(this.options.path))) {
            if (Date.now() > deadline || socat.exitCode !== null) throw new Error(`socat did not create the pty pair: ${log.trim() || "no output"}`);
            await new Promise(r => setTimeout(r, 5));
        }
        // A write-only descriptor on the user end keeps the pair alive across the host's close and reopen: without it
        // the last close hangs the pty up and socat quits, and a quick reopen would find the dying pair.
        this.keeper = fs.openSync(this.options.path, fs.constants.O_WRONLY | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
        this.slave = fs.realpathSync(this.options.path);
        const port = new SerialPort({ path: this.boardEnd, baudRate: this.options.baud, autoOpen: false });
        await new Promise<void>((resolve, reject) => port.open(e => (e ? reject(e) : resolve())));
        port.on("data", (d: Buffer) => this.fromHost(d));
        port.on("error", () => undefined);
        this.port = port;
        this.watch = setInterval(() => this.checkHost(), 50);
        this.options.onNote?.(`listening on ${this.options.path}`);
    }

    /** Whether another process holds the user end open: /proc is the only place a pty tells who opened it. */
    private hostHasPort(): boolean {
        const me = String(process.pid);
        for (const pid of fs.readdirSync("/proc")) {
            if (!/^\d+$/.test(pid) || pid === String(this.socat?.pid)) continue;
            let fds: string[];
            try {
                fds = fs.readdirSync(`/proc/${pid}/fd`);
            } catch {
                continue;
            }
            for (const fd of fds) {
                if (pid === me && fd === String(this.keeper)) continue;
                try {
                    if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === this.slave) return true;
                } catch {
                    /* gone meanwhile */
                }
            }
        }
        return false;
    }

    private checkHost(): void {
        const open = this.hostHasPort();
        if (open && !this.connected) this.hostOpened();
        else if (!open && this.connected) {
            this.connected = false;
            this.options.onNote?.("host closed the port");
            this.options.onClose();
        }
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

    /** socat exits when the link is killed: the board stays up, a new pair takes over at the same path. */
    private linkDown(socat: ChildProcess): void {
        if (this.socat !== socat) return;
        this.dropKeeper();
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
        // Bytes from the host mean it has the port open, even before the next /proc check notices.
        if (!this.connected) this.hostOpened();
        if (this.wrongBaud === undefined) this.wrongBaud = this.hostBaud() !== this.options.baud;
        const every = this.options.flipRxEvery;
        for (let b of d) {
            if (this.wrongBaud) b = garble(b);
            if (b === 10 || b === 13) {
                if (every && this.lineLen >= 100 && ++this.linesIn % every === 0) this.corrupt();
                this.lineLen = 0;
            } else this.lineLen++;
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

    /**
     * Changes one character a few before the line's end (inside an upload line's payload) into another letter or digit:
     * the worst case, data that still looks valid, so that only the checksum can tell.
     */
    private corrupt(): void {
        for (let i = this.rx.length - 8; i >= 0 && i > this.rx.length - 40; i--) {
            const c = this.rx[i];
            const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
            if (!letter && !(c >= 48 && c <= 57)) continue;
            this.rx[i] = letter ? c ^ 0x20 : c ^ 0x01;
            return;
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

    private dropKeeper(): void {
        clearInterval(this.watch);
        this.watch = undefined;
        if (this.keeper !== undefined) fs.closeSync(this.keeper);
        this.keeper = undefined;
    }

    /** Cuts the cable: the host sees its port die mid-transfer; a new pair appears at the same path. */
    killLink(): void {
        this.socat?.kill("SIGKILL");
    }

    async close(): Promise<void> {
        this.closing = true;
        this.dropKeeper();
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
