// Loads one Emscripten Lua glue per Lua version per process, with byte-level stdin/stdout hooks for the bridge.
import * as path from "path";

export type LuaVersion = "5.1" | "5.3";

/** The raw Emscripten module: C exports plus heap views. */
export interface Glue {
    version: LuaVersion;
    HEAPU8: Uint8Array;
    _malloc(n: number): number;
    _luaL_newstate(): number;
    _luaL_openlibs(L: number): void;
    _luaL_loadstring(L: number, s: number): number;
    _luaL_loadbuffer?(L: number, buf: number, len: number, name: number): number;
    _lua_close(L: number): void;
    _lua_settop(L: number, idx: number): void;
    _lua_gettop(L: number): number;
    _lua_getfield(L: number, idx: number, k: number): number;
    _lua_setfield(L: number, idx: number, k: number): void;
    _lua_pushstring(L: number, s: number): number;
    _lua_pushvalue(L: number, idx: number): void;
    _lua_tolstring(L: number, idx: number, lenPtr: number): number;
    _lua_type(L: number, idx: number): number;
    _lua_pcall?(L: number, nargs: number, nresults: number, errfunc: number): number;
    _lua_pcallk?(L: number, nargs: number, nresults: number, errfunc: number, ctx: number, k: number): number;
    stackSave(): number;
    stackAlloc(n: number): number;
    stackRestore(p: number): void;
    /** Where the current byte sinks/sources point; swapped per lua_State by LuaVm. */
    io: GlueIo;
}

export interface GlueIo {
    /** Called with each byte Lua writes to stdout. */
    onByte: (b: number) => void;
    /** Returns the next byte for Lua's stdin, or null for "no more now". */
    nextByte: () => number | null;
}

const GLUE_FILES: Record<LuaVersion, string> = { "5.1": "glue-lua-5.1.5.js", "5.3": "glue-lua-5.3.6.js" };
const loaded = new Map<LuaVersion, Glue>();

/** LUA_GLOBALSINDEX for 5.1; 5.3 reaches globals through lua_getglobal-like helpers in LuaVm. */
export const LUA_GLOBALSINDEX_51 = -10002;
export const LUA_REGISTRYINDEX_53 = -1001000;

export function loadGlue(version: LuaVersion): Glue {
    const cached = loaded.get(version);
    if (cached) return cached;
    const file = require.resolve(`lua-wasm-bindings/dist/glue/${GLUE_FILES[version]}`);
    // The glue installs process-wide handlers that abort Node on any stray rejection: keep only the ones we had.
    const before = {
        unhandledRejection: process.listeners("unhandledRejection"),
        uncaughtException: process.listeners("uncaughtException"),
    };
    const io: GlueIo = { onByte: () => undefined, nextByte: () => null };
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const factory = require(file);
    const mod = factory({
        locateFile: (p: string) => path.join(path.dirname(file), p),
        stdout: (b: number) => io.onByte(b & 0xff),
        stderr: (b: number) => io.onByte(b & 0xff),
        stdin: () => io.nextByte(),
        print: () => undefined,
        printErr: () => undefined,
        quit: (code: number) => {
            throw new Error(`Lua called os.exit(${code})`);
        },
    });
    for (const ev of ["unhandledRejection", "uncaughtException"] as const) {
        for (const l of process.listeners(ev)) {
            if (!(before[ev] as unknown[]).includes(l)) process.removeListener(ev, l as (...a: unknown[]) => void);
        }
    }
    const glue = mod as Glue;
    glue.version = version;
    glue.io = io;
    loaded.set(version, glue);
    return glue;
}
