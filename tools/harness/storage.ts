// Storage behind the host board: a folder (or in-memory files) as the SD card, with a latency model and fault injection.
import * as fs from "fs";
import * as path from "path";

export interface ReadResult {
    pieces: Buffer[];
    error?: string;
}

export interface StorageModel {
    /** Bandwidth of the card in bytes per second (0 = instantaneous). */
    bytesPerSecond: number;
    /** Fixed cost of one read call in µs. */
    overheadUs: number;
    /** Extra stall added to a read starting at time t (µs), e.g. 100 ms once a second. */
    stallUs?: (startUs: number) => number;
    /** Makes the read of (path, offset) fail with the returned message. */
    failRead?: (file: string, offset: number) => string | undefined;
    /** `blocking`: the read holds the one Lua task for its cost (as a board's SD read); `async`: completes later. */
    mode: "blocking" | "async";
}

export const INSTANT: StorageModel = { bytesPerSecond: 0, overheadUs: 0, mode: "blocking" };

/** Files the card holds: a folder on disk, or a map of names to bytes. */
export class CardFiles {
    constructor(private readonly source: string | Map<string, Buffer>) {}

    private resolve(name: string): string | undefined {
        if (typeof this.source !== "string") return undefined;
        const clean = name.replace(/^\/+/, "");
        const full = path.resolve(this.source, clean);
        const root = path.resolve(this.source);
        if (full !== root && !full.startsWith(root + path.sep)) return undefined;
        return full;
    }

    size(name: string): number | undefined {
        if (typeof this.source !== "string") return this.source.get(name.replace(/^\/+/, ""))?.length;
        const full = this.resolve(name);
        if (!full) return undefined;
        try {
            const st = fs.statSync(full);
            return st.isFile() ? st.size : undefined;
        } catch {
            return undefined;
        }
    }

    read(name: string, offset: number, length: number): Buffer {
        if (typeof this.source !== "string") {
            const data = this.source.get(name.replace(/^\/+/, "")) ?? Buffer.alloc(0);
            return data.subarray(offset, offset + length);
        }
        const fd = fs.openSync(this.resolve(name)!, "r");
        try {
            const buf = Buffer.alloc(length);
            const n = fs.readSync(fd, buf, 0, length, offset);
            return buf.subarray(0, n);
        } finally {
            fs.closeSync(fd);
        }
    }

    /** Files the board holds open, each with one descriptor: a read is then one callback, not open + read + close. */
    private held = new Map<string, { fd: Promise<number>; refs: number }>();

    /** The board opened `name`: keep a descriptor until the matching release(). */
    hold(name: string): void {
        const full = typeof this.source === "string" ? this.resolve(name) : undefined;
        if (full === undefined) return;
        const h = this.held.get(full);
        if (h) h.refs++;
        else {
            // A raw descriptor (not a FileHandle, which would be closed when collected).
            const fd = new Promise<number>((res, rej) => fs.open(full, "r", (e, d) => (e ? rej(e) : res(d))));
            fd.catch(() => undefined);
            this.held.set(full, { fd, refs: 1 });
        }
    }

    release(name: string): void {
        const full = typeof this.source === "string" ? this.resolve(name) : undefined;
        const h = full === undefined ? undefined : this.held.get(full);
        if (!h || --h.refs > 0) return;
        this.held.delete(full!);
        h.fd.then(fd => fs.close(fd, () => undefined), () => undefined);
    }

    /** Read buffers given back after their data landed, by size: no fresh external memory per read. */
    private spare = new Map<number, Buffer[]>();
    /** What readAsync lent out of its own buffers: only those may come back (others can be views of the card's data). */
    private lent = new WeakSet<ArrayBufferLike>();

    /** Gives a buffer readAsync returned back for reuse; its bytes must not be needed any more. */
    recycle(data: Buffer): void {
        if (!this.lent.delete(data.buffer)) return;
        const whole = Buffer.from(data.buffer, 0, data.buffer.byteLength);
        let list = this.spare.get(whole.length);
        if (!list) this.spare.set(whole.length, (list = []));
        if (list.length < 8) list.push(whole);
    }

    async readAsync(name: string, offset: number, length: number): Promise<Buffer> {
        if (typeof this.source !== "string") return this.read(name, offset, length);
        const h = this.held.get(this.resolve(name)!);
        if (h) {
            const fd = await h.fd;
            // Buffer.alloc never takes from Node's shared pool: the buffer owns its ArrayBuffer and can come back whole.
            const buf = this.spare.get(length)?.pop() ?? Buffer.alloc(length);
            const n = await new Promise<number>((res, rej) => fs.read(fd, buf, 0, length, offset, (e, bytes) => (e ? rej(e) : res(bytes))));
            this.lent.add(buf.buffer);
            return buf.subarray(0, n);
        }
        const fh = await fs.promises.open(this.resolve(name)!, "r");
        try {
            const buf = Buffer.alloc(length);
            const { bytesRead } = await fh.read(buf, 0, length, offset);
            return buf.subarray(0, bytesRead);
        } finally {
            await fh.close();
        }
    }

    list(): Array<[string, number]> {
        if (typeof this.source !== "string") return [...this.source.entries()].map(([k, v]) => [k, v.length]);
        const out: Array<[string, number]> = [];
        const walk = (dir: string, prefix: string): void => {
            for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
                if (e.name.startsWith(".")) continue;
                const p = path.join(dir, e.name);
                if (e.isDirectory()) walk(p, prefix + e.name + "/");
                else if (e.isFile()) out.push([prefix + e.name, fs.statSync(p).size]);
            }
        };
        if (fs.existsSync(this.source)) walk(this.source, "");
        return out.sort((a, b) => a[0].localeCompare(b[0]));
    }
}

/** Splits bytes into pieces of pieceLength (at most count). */
export function split(data: Buffer, pieceLength: number, count: number): Buffer[] {
    const pieces: Buffer[] = [];
    for (let i = 0; i < count && i * pieceLength < data.length; i++) pieces.push(data.subarray(i * pieceLength, (i + 1) * pieceLength));
    return pieces;
}

export function readCostUs(model: StorageModel, bytes: number, startUs: number): number {
    const transfer = model.bytesPerSecond > 0 ? (bytes * 1e6) / model.bytesPerSecond : 0;
    return Math.round(model.overheadUs + transfer + (model.stallUs ? model.stallUs(startUs) : 0));
}
