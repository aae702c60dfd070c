// One Lua state in the Wasm VM: loads modules by name, calls globals, moves bytes both ways through the bridge, maps errors.
import * as fs from "fs";
import * as path from "path";
import { Glue, GlueIo, LuaVersion, loadGlue, LUA_GLOBALSINDEX_51 } from "./glue";
import { FrameReader } from "./frames";

export class LuaError extends Error {
    constructor(message: string, readonly luaTrace: string) {
        super(message);
        this.name = "LuaError";
    }
}

export type RequestHandler = (args: string[], blob: Uint8Array) => void;
/** Maps a Lua "chunk:line" position back to a TypeScript source position, if known. */
export type PositionMapper = (chunk: string, line: number) => string | undefined;

const BRIDGE_SOURCE = fs.readFileSync(path.join(__dirname, "bridge.lua"), "utf8");
const LUA_OK = 0;

/** Lua 5.1 and 5.3 differ in a few C entry points; this hides them. */
export class LuaVm implements GlueIo {
    readonly glue: Glue;
    private L: number;
    private cstrings = new Map<string, number>();
    private input: Uint8Array[] = [];
    private inputHead = 0;
    private inputPos = 0;
    private reader: FrameReader;
    private handlers = new Map<string, RequestHandler>();
    mapPosition?: PositionMapper;
    closed = false;

    constructor(readonly version: LuaVersion, options: { keepGlobals?: string[] } = {}) {
        this.glue = loadGlue(version);
        this.L = this.glue._luaL_newstate();
        this.glue._luaL_openlibs(this.L);
        this.reader = new FrameReader((op, args, blob) => this.dispatch(op, args, blob));
        this.activate();
        this.defineModule("__rc_bridge", BRIDGE_SOURCE);
        this.exec(`__rc_bridge_module = require("__rc_bridge")`, "=harness");
        // The board has no os, and firmware must not reach io or debug directly: the bridge keeps its own references.
        const keep = new Set(options.keepGlobals ?? []);
        const remove = ["os", "io", "debug", "dofile", "loadfile"].filter(g => !keep.has(g));
        this.exec(remove.map(g => `${g} = nil`).join("; "), "=harness");
    }

    /** Points the shared glue's byte hooks at this state (one glue serves every state of its version). */
    activate(): void {
        this.glue.io.onByte = b => this.reader.push(b);
        this.glue.io.nextByte = () => this.nextByte();
    }

    nextByte(): number | null {
        while (this.inputHead < this.input.length) {
            const chunk = this.input[this.inputHead];
            if (this.inputPos < chunk.length) return chunk[this.inputPos++];
            this.inputHead++;
            this.inputPos = 0;
        }
        if (this.input.length) {
            this.input.length = 0;
            this.inputHead = 0;
        }
        return null;
    }

    onByte(b: number): void {
        this.reader.push(b);
    }

    /** Whether bytes queued for Lua are still unread. */
    hasInput(): boolean {
        for (let i = this.inputHead; i < this.input.length; i++) {
            const read = i === this.inputHead ? this.inputPos : 0;
            if (this.input[i].length > read) return true;
        }
        return false;
    }

    /** Queues bytes for Lua's next reads. */
    feed(bytes: Uint8Array | string): void {
        this.input.push(typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes);
    }

    /** Registers the Node side of a bridge operation sent by Lua with bridge.send(op, ...). */
    handle(op: string, handler: RequestHandler): void {
        this.handlers.set(op, handler);
    }

    private dispatch(op: string, args: string[], blob: Uint8Array): void {
        const h = this.handlers.get(op);
        if (!h) throw new Error(`bridge: Lua sent unknown operation '${op}'`);
        h(args, blob);
    }

    private cstr(s: string): number {
        let p = this.cstrings.get(s);
        if (p === undefined) {
            const bytes = Buffer.from(s + "\0", "utf8");
            p = this.glue._malloc(bytes.length);
            this.glue.HEAPU8.set(bytes, p);
            this.cstrings.set(s, p);
        }
        return p;
    }

    /** Pushes a JS string (UTF-8, no NUL) as a Lua string; for binary data use feed() and the bridge. */
    private pushString(s: string): void {
        const bytes = Buffer.from(s, "utf8");
        const sp = this.glue.stackSave();
        let p: number;
        if (bytes.length + 1 < 32768) {
            p = this.glue.stackAlloc(bytes.length + 1);
        } else {
            p = this.glue._malloc(bytes.length + 1); // no free in this glue: large pushes are rare (module sources)
        }
        this.glue.HEAPU8.set(bytes, p);
        this.glue.HEAPU8[p + bytes.length] = 0;
        this.glue._lua_pushstring(this.L, p);
        this.glue.stackRestore(sp);
    }

    private getGlobal(name: string): void {
        if (this.version === "5.1") this.glue._lua_getfield(this.L, LUA_GLOBALSINDEX_51, this.cstr(name));
        else (this.glue as unknown as { _lua_getglobal(L: number, k: number): void })._lua_getglobal(this.L, this.cstr(name));
    }

    private pcall(nargs: number, nresults: number, errfunc: number): number {
        if (this.version === "5.1") return this.glue._lua_pcall!(this.L, nargs, nresults, errfunc);
        return this.glue._lua_pcallk!(this.L, nargs, nresults, errfunc, 0, 0);
    }

    /** Registers Lua source as package.preload[name], chunk named "@name.lua" so errors name the file. */
    defineModule(name: string, source: string, fileName = name + ".lua"): void {
        this.pushString(source);
        this.setGlobalFromTop("__rc_module_src");
        this.exec(
            `local load = loadstring or load
             local f, e = load(__rc_module_src, "@${fileName}")
             __rc_module_src = nil
             if not f then error(e, 0) end
             package.preload["${name}"] = f`,
            "=harness",
        );
    }

    /** Pops the top of the stack into global `name`. */
    private setGlobalFromTop(name: string): void {
        if (this.version === "5.1") {
            this.glue._lua_setfield(this.L, LUA_GLOBALSINDEX_51, this.cstr(name));
            return;
        }
        // The 5.3 glue exports no lua_setglobal: fetch _G, put it under the value, set the field, drop _G.
        this.getGlobal("_G");
        (this.glue as unknown as { _lua_rotate(L: number, idx: number, n: number): void })._lua_rotate(this.L, -2, 1);
        this.glue._lua_setfield(this.L, -2, this.cstr(name));
        this.glue._lua_settop(this.L, -2);
    }

    /** Runs a chunk of Lua source; throws LuaError with the mapped traceback on failure. */
    exec(source: string, chunkName = "=exec"): void {
        this.activate();
        const top = this.glue._lua_gettop(this.L);
        this.getGlobal("__rc_traceback");
        const hasTb = this.glue._lua_type(this.L, -1) === 6;
        if (!hasTb) this.glue._lua_settop(this.L, top);
        const errfunc = hasTb ? top + 1 : 0;
        const status = this.loadChunk(source, chunkName);
        if (status !== LUA_OK) {
            const msg = this.topString();
            this.glue._lua_settop(this.L, top);
            throw new LuaError(this.mapMessage(msg), msg);
        }
        this.finishCall(this.pcall(0, 0, errfunc), top);
    }

    /** Loads source as a function named chunkName and leaves it on the stack (or the error message). */
    private loadChunk(source: string, chunkName: string): number {
        this.pushString(source);
        this.setGlobalFromTop("__rc_src");
        const loader = `local s = __rc_src __rc_src = nil return (loadstring or load)(s, ${JSON.stringify(chunkName)})`;
        const sp = this.glue.stackSave();
        if (this.glue._luaL_loadstring(this.L, this.cstr(loader)) !== LUA_OK) return 1;
        if (this.pcall(0, 2, 0) !== LUA_OK) return 1;
        this.glue.stackRestore(sp);
        // Stack: [fn or nil, err or nil]
        if (this.glue._lua_type(this.L, -2) !== 6) {
            this.glue._lua_pushvalue(this.L, -1);
            return 1;
        }
        this.glue._lua_settop(this.L, -2);
        return LUA_OK;
    }

    /** Calls global function `name` with no arguments (after queuing its input with feed()). */
    call(name: string): void {
        this.activate();
        const top = this.glue._lua_gettop(this.L);
        this.getGlobal("__rc_traceback");
        this.getGlobal(name);
        this.finishCall(this.pcall(0, 0, top + 1), top);
    }

    private finishCall(status: number, top: number): void {
        if (status === LUA_OK) {
            this.glue._lua_settop(this.L, top);
            return;
        }
        const msg = this.topString();
        this.glue._lua_settop(this.L, top);
        this.drainInput();
        throw new LuaError(this.mapMessage(msg), msg);
    }

    private drainInput(): void {
        this.input.length = 0;
        this.inputHead = 0;
        this.inputPos = 0;
        this.reader.reset();
        const top = this.glue._lua_gettop(this.L);
        this.getGlobal("__rc_drain");
        if (this.glue._lua_type(this.L, -1) === 6) this.pcall(0, 0, 0);
        this.glue._lua_settop(this.L, top);
    }

    private topString(): string {
        const sp = this.glue.stackSave();
        const lenPtr = this.glue.stackAlloc(4);
        const p = this.glue._lua_tolstring(this.L, -1, lenPtr);
        const len = new DataView(this.glue.HEAPU8.buffer).getUint32(lenPtr, true);
        this.glue.stackRestore(sp);
        if (!p) return "(error object is not a string)";
        return Buffer.from(this.glue.HEAPU8.subarray(p, p + len)).toString("latin1");
    }

    /** Rewrites "chunk.lua:LINE:" positions to TypeScript positions where a mapper knows them. */
    mapMessage(msg: string): string {
        const mapper = this.mapPosition;
        if (!mapper) return msg;
        return msg.replace(/([A-Za-z0-9_.\/-]+\.lua):(\d+):/g, (whole, chunk: string, line: string) => {
            const ts = mapper(chunk, Number(line));
            return ts ? `${ts}:` : whole;
        });
    }

    close(): void {
        if (this.closed) return;
        this.closed = true;
        this.glue._lua_close(this.L);
    }
}
