// The board's file systems on folders: SPIFFS (flat names, 31 characters, bounded size) and the SD card under its mount point.
import * as fs from "fs";
import * as path from "path";
import type { LuaVm } from "../harness/lua-vm";

export interface FilesOptions {
    spiffsDir: string;
    /** The card's folder; absent means no card in the slot. */
    sdDir?: string;
    /** SPIFFS capacity in bytes (the default partition is 448 KB; SPIFFS keeps about a quarter for itself). */
    spiffsBytes: number;
    /** Storage fault: every n-th write through one handle lands with one bit flipped. */
    flipStoreEvery?: number;
}

/** IDF's SPIFFS_OBJ_NAME_LEN is 32 bytes including the terminating NUL. */
export const SPIFFS_NAME_MAX = 31;
/** CONFIG_NODEMCU_MAX_OPEN_FILES for the card. */
const SD_MAX_OPEN = 4;

interface Handle {
    fd: number;
    pos: number;
    sd: boolean;
    writable: boolean;
    append: boolean;
    writes: number;
}

type Where = { file: string; sd: boolean } | { errno: number; message: string };

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString("latin1");
/** SPIFFS names may hold '/', a folder cannot: escape it (and the escape character). */
export const spiffsFileName = (name: string): string => name.replace(/%/g, "%25").replace(/\//g, "%2F");
const spiffsName = (file: string): string => file.replace(/%2F/g, "/").replace(/%25/g, "%");

export class EmulatedFiles {
    /** Where the card is mounted, once card:mount succeeded. */
    mountPoint?: string;
    private handles = new Map<number, Handle>();
    private nextId = 1;

    constructor(readonly options: FilesOptions) {
        fs.mkdirSync(options.spiffsDir, { recursive: true });
    }

    spiffsUsed(): number {
        return fs.readdirSync(this.options.spiffsDir).reduce((n, f) => n + fs.statSync(path.join(this.options.spiffsDir, f)).size, 0);
    }

    private where(p: string): Where {
        const mp = this.mountPoint;
        if (mp !== undefined && (p === mp || p.startsWith(mp + "/"))) {
            const rel = p.slice(mp.length + 1);
            if (!rel || rel.split("/").includes("..")) return { errno: 2, message: "No such file or directory" };
            return { file: path.join(this.options.sdDir!, rel), sd: true };
        }
        const name = p.replace(/^\/+/, "");
        if (name.length === 0) return { errno: 2, message: "No such file or directory" };
        if (name.length > SPIFFS_NAME_MAX) return { errno: 91, message: "File name too long" };
        return { file: path.join(this.options.spiffsDir, spiffsFileName(name)), sd: false };
    }

    closeAll(): void {
        for (const h of this.handles.values()) fs.closeSync(h.fd);
        this.handles.clear();
        this.mountPoint = undefined;
    }

    wire(vm: LuaVm): void {
        const answer = (s: string | Buffer): void => vm.feed(s);
        vm.handle("Fo", ([mode], blob) => answer(this.open(mode, latin1(blob))));
        vm.handle("Fr", ([id, code]) => {
            const data = this.read(Number(id), Number(code));
            if (data === undefined) return answer("-1\n");
            answer(`1\n${data.length}\n`);
            answer(data);
        });
        vm.handle("Fw", ([id], blob) => answer(this.write(Number(id), Buffer.from(blob))));
        vm.handle("Fs", ([id, code, off]) => answer(this.seek(Number(id), Number(code), Number(off))));
        vm.handle("Fc", ([id]) => {
            const h = this.handles.get(Number(id));
            if (h) fs.closeSync(h.fd);
            this.handles.delete(Number(id));
        });
        vm.handle("Fx", (_a, blob) => {
            const w = this.where(latin1(blob));
            answer("file" in w && fs.existsSync(w.file) ? "1\n" : "0\n");
        });
        vm.handle("Fd", (_a, blob) => {
            const w = this.where(latin1(blob));
            answer("file" in w && fs.existsSync(w.file) ? (fs.rmSync(w.file), "1\n") : "0\n");
        });
        vm.handle("Fn", (_a, blob) => {
            const [a, b] = latin1(blob).split("\0").map(p => this.where(p));
            const ok = "file" in a && "file" in b && fs.existsSync(a.file) && !fs.existsSync(b.file);
            if (ok) fs.renameSync((a as { file: string }).file, (b as { file: string }).file);
            answer(ok ? "1\n" : "0\n");
        });
        vm.handle("FL", (_a, blob) => answer(this.list(latin1(blob))));
        vm.handle("Fi", () => {
            const used = this.spiffsUsed();
            answer(`${Math.max(0, this.options.spiffsBytes - used)} ${used} ${this.options.spiffsBytes}\n`);
        });
    }

    private open(mode: string, p: string): string {
        const w = this.where(p);
        if (!("file" in w)) return `-1 ${w.errno} ${w.message}\n`;
        if (w.sd && [...this.handles.values()].filter(h => h.sd).length >= SD_MAX_OPEN) return "-1 23 Too many open files in system\n";
        const flags = { r: "r", w: "w", a: "a" }[mode[0]]! + (mode.includes("+") ? "+" : "");
        let fd: number;
        try {
            fd = fs.openSync(w.file, flags);
        } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            return code === "ENOENT" ? "-1 2 No such file or directory\n" : `-1 5 ${code ?? "I/O error"}\n`;
        }
        const id = this.nextId++;
        const append = mode[0] === "a";
        this.handles.set(id, { fd, pos: append ? fs.fstatSync(fd).size : 0, sd: w.sd, writable: mode[0] !== "r" || mode.includes("+"), append, writes: 0 });
        return `${id}\n`;
    }

    private read(id: number, code: number): Buffer | undefined {
        const h = this.handles.get(id);
        if (!h) return undefined;
        const size = fs.fstatSync(h.fd).size;
        const want = code === -2 ? Math.max(0, size - h.pos) : code === -3 ? Math.max(0, size - h.pos) : Math.max(0, code);
        const buf = Buffer.alloc(want);
        const n = want > 0 ? fs.readSync(h.fd, buf, 0, want, h.pos) : 0;
        let data = buf.subarray(0, n);
        if (code === -3) {
            if (n === 0) return undefined;
            const nl = data.indexOf(10);
            h.pos += nl >= 0 ? nl + 1 : n;
            return nl >= 0 ? data.subarray(0, nl) : data;
        }
        // read(n) at end of file is nil; read("a") is always a string.
        if (n === 0 && code !== -2 && code !== 0) return undefined;
        h.pos += n;
        return data;
    }

    private write(id: number, data: Buffer): string {
        const h = this.handles.get(id);
        if (!h || !h.writable) return "0 9 Bad file descriptor\n";
        if (!h.sd && this.spiffsUsed() + data.length > this.options.spiffsBytes) return "0 28 No space left on device\n";
        h.writes++;
        const every = this.options.flipStoreEvery;
        if (every !== undefined && every > 0 && h.writes % every === 0 && data.length > 0) {
            data = Buffer.from(data);
            data[data.length >> 1] ^= 0x04;
        }
        if (h.append) h.pos = fs.fstatSync(h.fd).size;
        fs.writeSync(h.fd, data, 0, data.length, h.pos);
        h.pos += data.length;
        return "1\n";
    }

    private seek(id: number, code: number, off: number): string {
        const h = this.handles.get(id);
        if (!h) return "-1 9 Bad file descriptor\n";
        const base = code === 0 ? 0 : code === 1 ? h.pos : fs.fstatSync(h.fd).size;
        if (base + off < 0) return "-1 22 Invalid argument\n";
        h.pos = base + off;
        return `${h.pos}\n`;
    }

    private list(dir: string): string {
        let entries: Array<[string, number]>;
        if (dir === "" || dir === "/") {
            entries = fs.readdirSync(this.options.spiffsDir).map(f => [spiffsName(f), fs.statSync(path.join(this.options.spiffsDir, f)).size]);
        } else {
            const w = this.mountPoint !== undefined && dir.replace(/\/$/, "") === this.mountPoint ? this.options.sdDir : undefined;
            if (w === undefined) return "-1\n";
            entries = fs
                .readdirSync(w, { withFileTypes: true })
                .filter(e => e.isFile())
                .map(e => [e.name, fs.statSync(path.join(w, e.name)).size]);
        }
        return `${entries.length}\n` + entries.map(([n, s]) => `${Buffer.byteLength(n, "latin1")}\n${n} ${s}\n`).join("");
    }
}
