// The host board: the built firmware Lua in the Wasm VM, wired through the bridge to a clock, storage and network.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Ev, Op, ReadAnswer } from "../../hal/host/wire";
import { LuaVersion } from "./glue";
import { LuaVm } from "./lua-vm";
import { EventSink, Network } from "./network";
import { SourceMaps } from "./source-maps";
import { CardFiles, INSTANT, readCostUs, split, StorageModel } from "./storage";
import { ClockMode, Scheduled, World } from "./world";

/** Bytes of VM memory reserved at boot in real time: above the host board's pool and what the bench's sweeps reach. */
const RESERVE_BYTES = 48 * 1024 * 1024;

export interface HostBoardOptions {
    /** A build output folder (tools/build.ts): every .lua file in it becomes a module. */
    buildDir: string;
    luaVersion: LuaVersion;
    clock: ClockMode;
    network: Network;
    card: CardFiles;
    storage?: StorageModel;
    /** Address the firmware announces in SDP. */
    localAddress?: string;
    log?: (line: string) => void;
    /** Deterministic randomness for tests. */
    seed?: number;
    /** Timer resolution of the simulated board in µs: alarms fire at the next multiple (NodeMCU: the FreeRTOS tick). */
    timerTickUs?: number;
    /**
     * The firmware sends ahead of each packet's time (the board's timing.sendLeadUs > 0) and the network holds datagrams
     * until then: in real time the board's own timers need no spin (see World.relax).
     */
    sendsAhead?: boolean;
}

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString("latin1");

export class HostBoard implements EventSink {
    readonly vm: LuaVm;
    readonly world: World;
    readonly maps: SourceMaps;
    private readonly timers = new Map<number, Scheduled>();
    private readonly files = new Map<number, string>();
    private nextFileId = 1;
    private rng: () => number;
    /** Results the firmware sent with Op.report, in order. */
    readonly reports: unknown[] = [];
    /** The first error a Lua callback raised, if any (the board would restart). */
    fault?: Error;

    constructor(readonly options: HostBoardOptions) {
        this.world = new World(options.clock);
        if (options.sendsAhead) this.world.relax();
        this.vm = new LuaVm(options.luaVersion);
        this.maps = new SourceMaps(options.buildDir);
        this.vm.mapPosition = (chunk, line) => this.maps.map(chunk, line);
        const seed = options.seed;
        let s = seed ?? crypto.randomInt(1, 2 ** 31);
        this.rng = () => {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            return s;
        };
        for (const file of listLua(options.buildDir)) {
            const rel = path.relative(options.buildDir, file).split(path.sep).join("/");
            this.vm.defineModule(rel.replace(/\.lua$/, "").split("/").join("."), fs.readFileSync(file, "latin1"), rel);
        }
        this.wire();
        options.network.attach(this);
        // Real time: grow the VM's memory to its high-water mark before anything is paced. Wasm memory that grows later
        // counts as new external memory to V8, which answers with full collections (ms) every few seconds; the seed's
        // server reserved its memory in advance for the same reason. One glue serves every board of a Lua version, so
        // this grows it once per process.
        if (options.clock === "real") this.vm.exec(`local s = string.rep("\\0", ${RESERVE_BYTES}) s = nil collectgarbage() collectgarbage()`, "=harness");
    }

    nowUs(): number {
        return this.world.nowUs();
    }

    private wire(): void {
        const vm = this.vm;
        const net = this.options.network;
        const answer = (s: string): void => vm.feed(s);
        vm.handle(Op.clock, () => answer(`${Math.floor(this.world.nowUs())}\n`));
        vm.handle(Op.random, () => answer(`${this.rng()}\n`));
        vm.handle(Op.address, () => answer(`${this.options.localAddress ?? "127.0.0.1"}\n`));
        vm.handle(Op.log, (_a, blob) => (this.options.log ?? (l => process.stdout.write(l + "\n")))(latin1(blob)));
        vm.handle(Op.report, (_a, blob) => this.reports.push(JSON.parse(latin1(blob))));
        vm.handle(Op.timerAt, ([id, at]) => {
            this.timers.get(Number(id))?.cancel();
            const tick = this.options.timerTickUs ?? 1;
            const when = tick > 1 ? Math.ceil(Number(at) / tick) * tick : Number(at);
            this.timers.set(Number(id), this.world.at(when, () => this.event(`${Ev.timer} ${id}`)));
        });
        vm.handle(Op.timerCancel, ([id]) => {
            this.timers.get(Number(id))?.cancel();
            this.timers.delete(Number(id));
        });
        vm.handle(Op.udpOpen, ([port], blob) => {
            const r = net.udpOpen(Number(port), latin1(blob));
            answer("error" in r ? `-1 0\n` : `${r.id} ${r.port}\n`);
        });
        vm.handle(Op.udpSend, ([id, port, address, departUs], blob) => {
            answer(net.udpSend(Number(id), Number(port), address, blob, Number(departUs ?? 0)) ? "1\n" : "0\n");
        });
        vm.handle(Op.udpJoin, ([id], blob) => net.udpJoin(Number(id), latin1(blob)));
        vm.handle(Op.udpClose, ([id]) => net.udpClose(Number(id)));
        vm.handle(Op.tcpListen, ([port], blob) => {
            const r = net.tcpListen(Number(port), latin1(blob));
            answer("error" in r ? `-1 0\n` : `${r.id} ${r.port}\n`);
        });
        vm.handle(Op.tcpServerClose, ([id]) => net.tcpServerClose(Number(id)));
        vm.handle(Op.tcpWrite, ([id], blob) => net.tcpWrite(Number(id), Buffer.from(blob)));
        vm.handle(Op.tcpClose, ([id]) => net.tcpClose(Number(id)));
        vm.handle(Op.fileOpen, (_a, blob) => {
            const name = latin1(blob);
            const size = this.options.card.size(name);
            if (size === undefined) return answer(`-1 no such file: ${name.replace(/\n/g, " ")}\n`);
            const id = this.nextFileId++;
            this.files.set(id, name);
            this.options.card.hold(name);
            answer(`${id} ${size}\n`);
        });
        vm.handle(Op.fileClose, ([id]) => {
            const name = this.files.get(Number(id));
            if (name !== undefined) this.options.card.release(name);
            this.files.delete(Number(id));
        });
        vm.handle(Op.fileRead, (args, blob) => this.read(args.map(Number), Number(latin1(blob))));
        vm.handle(Op.list, () => {
            const entries = this.options.card.list();
            answer(`${entries.length}\n` + entries.map(([n, s]) => `${n.length}\n${n} ${s}\n`).join(""));
        });
    }

    /** A read of `count` pieces; an asynchronous answer comes back as an event carrying `readId`. */
    private read([id, offset, pieceLength, count]: number[], readId: number): void {
        const name = this.files.get(id);
        const model = this.options.storage ?? INSTANT;
        const fail = name === undefined ? "file is not open" : model.failRead?.(name, offset);
        const start = this.world.nowUs();
        const cost = readCostUs(model, pieceLength * count, start);
        const frame = (pieces: Buffer[], error?: string): Buffer[] =>
            error !== undefined
                ? [Buffer.from(`${ReadAnswer.failed} ${error}\n`, "latin1")]
                : [Buffer.from(`${pieces.length}\n`), ...pieces.flatMap(p => [Buffer.from(`${p.length}\n`), p])];
        if (model.mode === "blocking") {
            this.world.advance(cost);
            if (fail !== undefined) return this.feedAll(frame([], fail));
            return this.feedAll(frame(split(this.options.card.read(name!, offset, pieceLength * count), pieceLength, count)));
        }
        this.vm.feed(`${ReadAnswer.pending}\n`);
        const deliver = (parts: Buffer[]): void => this.eventParts([Buffer.from(`${Ev.readDone} ${readId} `), ...parts]);
        if (fail !== undefined) {
            this.world.at(start + cost, () => deliver(frame([], fail)));
        } else if (this.world.mode === "virtual") {
            const data = this.options.card.read(name!, offset, pieceLength * count);
            this.world.at(start + cost, () => deliver(frame(split(data, pieceLength, count))));
        } else {
            this.options.card.readAsync(name!, offset, pieceLength * count).then(
                data =>
                    this.landAfter(start + cost, () => {
                        deliver(frame(split(data, pieceLength, count)));
                        // Lua has read the pieces (or the event failed and its rest was drained): the buffer is free.
                        if (!this.vm.hasInput()) this.options.card.recycle(data);
                    }),
                err => this.world.outsideEvent("read", () => deliver(frame([], String(err.message ?? err)))),
            );
        }
    }

    /** A finished read lands no earlier than the storage model's cost says, as an outside event. */
    private landAfter(atUs: number, deliver: () => void): void {
        if (atUs <= this.world.nowUs()) this.world.outsideEvent("read", deliver);
        else this.world.at(atUs, () => this.world.outsideEvent("read", deliver));
    }

    private feedAll(parts: Buffer[]): void {
        for (const p of parts) this.vm.feed(p);
    }

    /** Delivers one event frame into Lua and runs its handler now. */
    event(text: string, blob?: Uint8Array): void {
        this.eventParts(blob ? [Buffer.from(text, "latin1"), Buffer.from(`${blob.length}\n`), blob] : [Buffer.from(text, "latin1")]);
    }

    private eventParts(parts: Uint8Array[]): void {
        if (this.vm.closed) return;
        for (const p of parts) this.vm.feed(p);
        try {
            this.vm.call("__rc_pump");
        } catch (e) {
            this.fault ??= e as Error;
            (this.options.log ?? (l => process.stderr.write(l + "\n")))(`firmware error: ${(e as Error).message}`);
        }
    }

    udpReceived(socketId: number, data: Buffer, port: number, address: string): void {
        this.world.outsideEvent("udp", () => this.event(`${Ev.udpReceive} ${socketId} ${port} ${address}\n`, data));
    }
    tcpAccepted(serverId: number, connId: number, port: number, address: string): void {
        this.world.outsideEvent("tcp", () => this.event(`${Ev.tcpAccept} ${serverId} ${connId} ${port} ${address}\n`));
    }
    tcpData(connId: number, data: Buffer): void {
        this.world.outsideEvent("tcp", () => this.event(`${Ev.tcpData} ${connId} `, data));
    }
    tcpWritable(connId: number): void {
        this.world.outsideEvent("tcp", () => this.event(`${Ev.tcpWritable} ${connId}`));
    }
    tcpClosed(connId: number): void {
        this.world.outsideEvent("tcp", () => this.event(`${Ev.tcpClosed} ${connId}`));
    }

    /** Runs Lua source on the board (a test's driver); raises the mapped Lua error if it fails. */
    exec(source: string): void {
        this.vm.exec(source, "=driver");
    }

    /** Runs a Lua expression and returns its value, serialised to JSON by the bridge. */
    evaluate<T = unknown>(expression: string): T {
        const before = this.reports.length;
        this.vm.exec(`__rc_bridge_module.send0("${Op.report}", __rc_json(${expression}))`, "=driver");
        return this.reports.splice(before, 1)[0] as T;
    }

    close(): void {
        this.world.stop();
        for (const t of this.timers.values()) t.cancel();
        for (const name of this.files.values()) this.options.card.release(name);
        this.files.clear();
        this.options.network.close();
        this.vm.close();
    }
}

function listLua(dir: string): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...listLua(p));
        else if (e.name.endsWith(".lua")) out.push(p);
    }
    return out;
}
