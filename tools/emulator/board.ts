// An emulated NodeMCU-ESP32 board: the Wasm Lua VM with the NodeMCU modules, its task queues, console and boot sequence.
import * as fs from "fs";
import * as path from "path";
import type { Board } from "../../boards/board";
import { LuaError, LuaVm } from "../harness/lua-vm";
import { EmulatedFiles, FilesOptions } from "./files";
import { EmulatedHw } from "./hw";
import { LineInput } from "./linput";
import { EmulatedNet } from "./net";
import { Prio, TaskQueues } from "./tasks";

export interface EmulatorOptions extends FilesOptions {
    board: Board;
    /** Bytes the board writes to its UART. */
    onConsole: (bytes: Buffer) => void;
    /** Notes from the emulator itself (not board output). */
    onNote?: (line: string) => void;
    /** A busy board: the app prints a line every this many ms (at MEDIUM priority, as a timer callback would). */
    chatterMs?: number;
}

const PRELUDES = ["prelude-core", "prelude-io", "prelude-net"].map(n => [n, fs.readFileSync(path.join(__dirname, `${n}.lua`), "utf8")]);
/** Modules a build may leave out; the board file's nodemcuBuild.modules says which ones it has. */
const OPTIONAL = ["eth", "sdmmc", "spi", "encoder", "bit", "gpio", "uart", "net", "file"];
const K = { timer: 1, udp: 2, accept: 3, data: 4, sent: 5, closed: 6, eth: 7, uart: 8, task: 9, line: 10 };

export class EmulatedBoard {
    vm?: LuaVm;
    files: EmulatedFiles;
    hw!: EmulatedHw;
    /** Times the board booted (power-on, node.restart, error restart, reset). */
    boots = 0;
    private net!: EmulatedNet;
    private tasks!: TaskQueues;
    private readonly input: LineInput;
    private bootNs = process.hrtime.bigint();
    private timers = new Map<number, NodeJS.Timeout>();
    private pending = new Set<NodeJS.Timeout>();
    private restartAfterTask = false;
    private uartCb?: { need: number; endChar: string; run: boolean; buf: number[] };
    private prompt = "> ";

    constructor(readonly options: EmulatorOptions) {
        this.files = new EmulatedFiles(options);
        this.input = new LineInput({
            echo: b => this.out(b),
            line: text => this.tasks.postUnbounded(Prio.LOW, () => this.event(`${K.line} 0 ${text.length}\n`, text)),
            emptyLine: () => this.out(Buffer.from(this.prompt)),
        });
    }

    nowMs(): number {
        return Number(process.hrtime.bigint() - this.bootNs) / 1e6;
    }

    private out(b: Buffer | string): void {
        if (!this.restartAfterTask) this.options.onConsole(typeof b === "string" ? Buffer.from(b, "latin1") : b);
    }

    private later(ms: number, fn: () => void): void {
        const t = setTimeout(() => {
            this.pending.delete(t);
            fn();
        }, ms);
        this.pending.add(t);
    }

    /** Power-on or reset: a fresh Lua state, the boot banner, init.lua from SPIFFS, then the first prompt. */
    powerOn(): void {
        this.shutdown();
        this.boots++;
        this.bootNs = process.hrtime.bigint();
        this.tasks = new TaskQueues(() => {
            if (this.restartAfterTask) this.powerOn();
        });
        const board = this.options.board;
        this.net = new EmulatedNet({
            udp: (id, d, port, ip) => this.tasks.post(Prio.HIGH, () => this.event(`${K.udp} ${id} ${port} ${ip}\n${d.length}\n`, d)),
            accept: (sid, cid, port, ip) => this.tasks.post(Prio.MEDIUM, () => this.event(`${K.accept} ${sid} ${cid} ${port} ${ip}\n`)),
            data: (cid, d) => this.tasks.post(Prio.HIGH, () => this.event(`${K.data} ${cid} ${d.length}\n`, d)),
            sent: cid => this.tasks.post(Prio.MEDIUM, () => this.event(`${K.sent} ${cid}`)),
            closed: cid => this.tasks.post(Prio.MEDIUM, () => this.event(`${K.closed} ${cid}`)),
            log: line => this.options.onNote?.(line),
        });
        this.hw = new EmulatedHw(board, this.files, () => this.nowMs(), {
            eth: (line, afterMs) => this.later(afterMs, () => this.tasks.post(Prio.MEDIUM, () => this.event(`${K.eth} 0 ${line}\n`))),
            log: line => this.options.onNote?.(line),
        });
        const vm = new LuaVm(board.luaVersion, { keepGlobals: ["debug"] });
        this.vm = vm;
        this.wire(vm);
        this.files.wire(vm);
        this.net.wire(vm);
        this.hw.wire(vm);
        for (const [name, src] of PRELUDES) vm.defineModule(`__emu_${name}`, src, `${name}.lua`);
        const absent = OPTIONAL.filter(m => !(board.nodemcuBuild?.modules ?? OPTIONAL).includes(m));
        vm.exec(
            `${PRELUDES.map(([n]) => `require("__emu_${n}")`).join(" ")}
             debug = { traceback = debug.traceback, getinfo = debug.getinfo }
             ${absent.map(m => `${m} = nil`).join(" ")}`,
            "=emulator",
        );
        const version = board.luaVersion === "5.1" ? "Lua 5.1.4" : "Lua 5.3.6";
        this.out(`\nNodeMCU ESP32 (emulated ${board.id}) build ${new Date().toISOString().slice(0, 10)} powered by ${version} on IDF v5.1.2\n`);
        // pmain: init.lua runs before the first prompt, its errors are printed and the REPL stays up (no restart).
        this.exec(`local f, e = loadfile("init.lua")
            if not f then print("cannot open init.lua") else
              local ok, err = xpcall(f, function(x) return debug.traceback(tostring(x), 2) end)
              if not ok then print(err) end
            end`);
        this.input.reset();
        this.prompt = "> ";
        this.tasks.postUnbounded(Prio.LOW, () => this.event(`${K.line} 0 1\n `));
        if (this.options.chatterMs) this.chatter(this.options.chatterMs, this.boots);
    }

    private chatter(ms: number, boot: number): void {
        let n = 0;
        const tick = (): void => {
            if (this.boots !== boot || !this.vm) return;
            this.tasks.post(Prio.MEDIUM, () => this.out(`app: level ${(n++ % 90) - 60} dBFS, heap ${180000 - n} bytes\n`));
            this.later(ms, tick);
        };
        this.later(ms, tick);
    }

    private exec(src: string): void {
        try {
            this.vm?.exec(src, "=emulator");
        } catch (e) {
            this.out(`${(e as LuaError).message}\n`);
        }
    }

    /** Raises one event in Lua; an error escaping the protected callbacks restarts the board as NodeMCU does. */
    private event(text: string, blob?: Uint8Array): void {
        const vm = this.vm;
        if (!vm || vm.closed) return;
        vm.feed(Buffer.from(text, "latin1"));
        if (blob) vm.feed(blob);
        try {
            vm.call("__rc_pump");
        } catch (e) {
            this.out(`${(e as Error).message}\n`);
            this.later(2000, () => this.powerOn());
        }
    }

    /** Bytes arriving on the board's UART. */
    receive(bytes: Buffer): void {
        if (!this.vm) return;
        for (const b of bytes) {
            const cb = this.uartCb;
            if (cb) {
                cb.buf.push(b);
                const full = (cb.need > 0 && cb.buf.length >= cb.need) || cb.buf.length >= 255 || (cb.endChar !== "" && b === cb.endChar.charCodeAt(0));
                if (full) {
                    const data = Buffer.from(cb.buf.splice(0));
                    this.tasks.post(Prio.HIGH, () => this.event(`${K.uart} 0 ${data.length}\n`, data));
                }
                if (!cb.run) continue;
            }
            this.input.feed(b);
        }
    }

    private wire(vm: LuaVm): void {
        const answer = (s: string): void => vm.feed(s);
        vm.handle("P", (_a, blob) => this.out(Buffer.from(blob)));
        vm.handle("Pr", ([kind], blob) => {
            this.prompt = Buffer.from(blob).toString("latin1");
            this.out(this.prompt);
        });
        vm.handle("Nu", () => {
            const us = Number(process.hrtime.bigint() - this.bootNs) / 1000;
            // The default float32 build hands node.uptime() over already rounded to a 24-bit mantissa.
            const low = this.options.board.numberType === "float32-int32" ? Math.fround(us) : Math.floor(us);
            answer(`${low} 0\n`);
        });
        vm.handle("Nh", ([luaBytes]) => answer(`${Math.max(0, 180000 - Number(luaBytes))}\n`));
        vm.handle("Nr", () => (this.restartAfterTask = true));
        vm.handle("R", ([ms]) => this.later(Number(ms), () => this.powerOn()));
        vm.handle("Ni", (_a, blob) => this.receive(Buffer.concat([Buffer.from(blob), Buffer.from("\n")])));
        vm.handle("Kp", ([id, prio]) => answer(this.tasks.post(Number(prio) as Prio, () => this.event(`${K.task} ${id} ${prio}`)) ? "1\n" : "0\n"));
        vm.handle("Xs", ([, echo]) => {
            if (Number(echo) >= 0) this.input.echoOn = Number(echo) > 0;
        });
        vm.handle("Xo", ([fn, need, run], blob) => {
            this.uartCb = fn === "1" ? { need: Number(need), endChar: Buffer.from(blob).toString("latin1"), run: run === "1", buf: [] } : undefined;
        });
        vm.handle("Ta", ([id, ms, mode]) => answer(this.arm(Number(id), Number(ms), Number(mode))));
        vm.handle("Ts", ([id]) => {
            clearTimeout(this.timers.get(Number(id)));
            this.timers.delete(Number(id));
        });
    }

    /** FreeRTOS software timers: whole ticks from the next tick boundary; expiries post HIGH events (dropped when full). */
    private arm(id: number, ms: number, mode: number): string {
        const tickUs = this.options.board.timing.timerTickUs;
        const ticks = Math.floor((ms * 1000) / tickUs);
        if (ticks < 1) return `0 tmr: ${ms} ms is under one tick (${tickUs / 1000} ms): xTimerCreate would assert\n`;
        clearTimeout(this.timers.get(id));
        const nowUs = this.nowMs() * 1000;
        let due = (Math.floor(nowUs / tickUs) + ticks) * tickUs;
        const fire = (): void => {
            this.tasks.post(Prio.HIGH, () => this.event(`${K.timer} ${id}`));
            if (mode === 1) {
                due += ticks * tickUs;
                this.timers.set(id, setTimeout(fire, Math.max(0, due / 1000 - this.nowMs())));
            } else this.timers.delete(id);
        };
        this.timers.set(id, setTimeout(fire, Math.max(0, due / 1000 - this.nowMs())));
        return "1\n";
    }

    private shutdown(): void {
        this.restartAfterTask = false;
        this.uartCb = undefined;
        for (const t of this.timers.values()) clearTimeout(t);
        for (const t of this.pending) clearTimeout(t);
        this.timers.clear();
        this.pending.clear();
        this.tasks?.stop();
        this.net?.close();
        this.files.closeAll();
        this.vm?.close();
        this.vm = undefined;
    }

    close(): void {
        this.shutdown();
    }
}
