// A serial link to a board: opens the port with clear errors, keeps what the board sends, and waits with timeouts only.
import { SerialPort } from "serialport";

export class LinkError extends Error {}

export class SerialLink {
    /** Everything received since open, as latin1 text (the REPL speaks ASCII; garbage stays visible). */
    text = "";
    closed = false;
    private port?: SerialPort;
    private waiters = new Set<() => void>();
    private listeners: Array<(chunk: string) => void> = [];

    private constructor(readonly path: string, readonly baud: number) {}

    static async open(path: string, baud: number, timeoutMs = 5000): Promise<SerialLink> {
        const link = new SerialLink(path, baud);
        const port = new SerialPort({ path, baudRate: baud, autoOpen: false });
        await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new LinkError(`opening ${path} timed out after ${timeoutMs} ms`)), timeoutMs);
            port.open(err => {
                clearTimeout(timer);
                if (!err) return resolve();
                const m = err.message;
                if (/ENOENT|No such file/.test(m)) reject(new LinkError(`no serial port at ${path} (is the board connected? see --port)`));
                else if (/EACCES|Permission/.test(m)) reject(new LinkError(`no permission to open ${path}: add yourself to the dialout group (or uucp), then log in again`));
                else if (/EBUSY|lock|Resource temporarily/.test(m)) reject(new LinkError(`${path} is in use by another program (a serial monitor?)`));
                else reject(new LinkError(`cannot open ${path}: ${m}`));
            });
        });
        link.port = port;
        port.on("data", (d: Buffer) => link.received(d.toString("latin1")));
        port.on("close", () => link.lost());
        port.on("error", () => link.lost());
        return link;
    }

    private received(chunk: string): void {
        this.text += chunk;
        for (const l of this.listeners) l(chunk);
        for (const w of [...this.waiters]) w();
    }

    private lost(): void {
        if (this.closed) return;
        this.closed = true;
        for (const w of [...this.waiters]) w();
    }

    /** Called with each chunk as it arrives (the flasher answers the boot selector's safe-mode prompt this way). */
    onChunk(listener: (chunk: string) => void): void {
        this.listeners.push(listener);
    }

    async write(data: string): Promise<void> {
        const port = this.port;
        if (!port || this.closed) throw new LinkError(`the link to ${this.path} is closed (cable pulled? board reset?)`);
        await new Promise<void>((resolve, reject) => {
            port.write(Buffer.from(data, "latin1"), err => (err ? reject(new LinkError(`write to ${this.path} failed: ${err.message}`)) : undefined));
            port.drain(err => (err ? reject(new LinkError(`write to ${this.path} failed: ${err.message}`)) : resolve()));
        });
    }

    /**
     * Waits until test(text) returns a value; rejects after timeoutMs with `what` in the message, or when the link dies.
     */
    wait<T>(test: (text: string) => T | undefined, timeoutMs: number, what: string): Promise<T> {
        return new Promise<T>((resolve, reject) => {
            const check = (): void => {
                const r = test(this.text);
                if (r !== undefined) return done(() => resolve(r));
                if (this.closed) done(() => reject(new LinkError(`the link to ${this.path} was lost while waiting for ${what}`)));
            };
            const timer = setTimeout(() => done(() => reject(new LinkError(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
            const done = (f: () => void): void => {
                clearTimeout(timer);
                this.waiters.delete(check);
                f();
            };
            this.waiters.add(check);
            check();
        });
    }

    /** Resolves after ms, or early when the link dies. */
    sleep(ms: number): Promise<void> {
        return this.wait(() => (this.closed ? true : undefined), ms, "nothing").then(
            () => undefined,
            () => undefined,
        );
    }

    /** Pulses EN through RTS as esptool and nodemcu-tool do (DTR high keeps GPIO0 up); false when the port has no modem lines. */
    async pulseReset(): Promise<boolean> {
        const port = this.port;
        if (!port) return false;
        const set = (o: { dtr: boolean; rts: boolean }): Promise<boolean> => new Promise(r => port.set(o, err => r(!err)));
        if (!(await set({ dtr: false, rts: true }))) return false;
        await new Promise(r => setTimeout(r, 100));
        return set({ dtr: false, rts: false });
    }

    async close(): Promise<void> {
        const port = this.port;
        this.port = undefined;
        this.closed = true;
        for (const w of [...this.waiters]) w();
        if (port?.isOpen) await new Promise<void>(r => port.close(() => r()));
    }
}
