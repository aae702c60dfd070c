// Transpiles firmware/ plus a board's HAL to Lua with typescript-to-lua, for that board's Lua version, into dist/<board>/.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import * as tstl from "typescript-to-lua";
import type { Board } from "../boards/board";

export const ROOT = path.join(__dirname, "..");

export interface BuildOptions {
    board: Board;
    /** Defaults to dist/<board id>. */
    outDir?: string;
    /** Overrides the board's Lua version (the test builds run every version the boards use). */
    luaVersion?: "5.1" | "5.3";
    /** One bundle file (what goes on a board) or one Lua file per module (what tests load). Default: bundle. */
    bundle?: boolean;
    /** More TypeScript roots to compile in (test fixtures). */
    extraRoots?: string[];
}

export interface BuiltFile {
    name: string;
    bytes: number;
}

export interface BuildResult {
    outDir: string;
    luaVersion: "5.1" | "5.3";
    files: BuiltFile[];
    totalBytes: number;
}

export class BuildError extends Error {}

export function entryFor(board: Board): string {
    return path.join(ROOT, "hal", board.platform === "host" ? "host" : "nodemcu", "boot.ts");
}

/** Renders a JSON value as a Lua table constructor, leaving out `#` comments and `$` tooling keys. */
export function toLuaLiteral(value: unknown, indent = ""): string {
    if (value === null || value === undefined) return "nil";
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    if (typeof value === "string") return JSON.stringify(value).replace(/\\u([0-9a-f]{4})/gi, (_m, h) => `\\u{${h}}`);
    const inner = indent + "  ";
    if (Array.isArray(value)) return `{ ${value.map(v => toLuaLiteral(v, inner)).join(", ")} }`;
    const entries = Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !k.startsWith("#") && !k.startsWith("$"))
        .map(([k, v]) => `${inner}${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `[${JSON.stringify(k)}]`} = ${toLuaLiteral(v, inner)}`);
    return `{\n${entries.join(",\n")}\n${indent}}`;
}

/** What the firmware reads at run time: build options, serial settings and names stay on the laptop. */
function runtimeBoard(board: Board, luaVersion: string): Partial<Board> {
    const { nodemcuBuild: _b, serial: _s, name: _n, ...rest } = board;
    return { ...rest, luaVersion: luaVersion as Board["luaVersion"] };
}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
    return ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: f => f,
        getCurrentDirectory: () => ROOT,
        getNewLine: () => "\n",
    });
}

export function buildFirmware(options: BuildOptions): BuildResult {
    const { board } = options;
    const luaVersion = options.luaVersion ?? board.luaVersion;
    const bundle = options.bundle ?? true;
    const outDir = options.outDir ?? path.join(ROOT, "dist", board.id);
    const entry = entryFor(board);
    if (!fs.existsSync(entry)) throw new BuildError(`no HAL entry for platform '${board.platform}' (${path.relative(ROOT, entry)})`);
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });

    const configPath = path.join(ROOT, "firmware", "tsconfig.json");
    const parsed = tstl.parseConfigFileWithSystem(configPath);
    const compilerOptions: tstl.CompilerOptions = {
        ...parsed.options,
        luaTarget: luaVersion === "5.1" ? tstl.LuaTarget.Lua51 : tstl.LuaTarget.Lua53,
        outDir,
        rootDir: ROOT,
        luaBundle: bundle ? "ringcast.lua" : undefined,
        luaBundleEntry: bundle ? entry : undefined,
        sourceMap: true,
        noEmitOnError: true,
    };
    // Ambient declarations are not imported by anything, so hand them to the compiler explicitly.
    const declarations = [
        ...listFiles(path.join(ROOT, "firmware"), ".d.ts"),
        ...listFiles(path.dirname(entry), ".d.ts"),
    ];
    const roots = [entry, ...declarations, ...(options.extraRoots ?? [])];
    const written: string[] = [];
    const result = tstl.transpileFiles(roots, compilerOptions, (file, data) => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, data);
        written.push(file);
    });
    const errors = result.diagnostics.filter(d => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) throw new BuildError(`firmware does not compile for ${board.id} (Lua ${luaVersion}):\n${formatDiagnostics(errors)}`);

    if (board.platform === "nodemcu") for (const f of written.filter(f => f.endsWith(".lua"))) stripForBoard(f);
    fs.writeFileSync(path.join(outDir, "board.lua"), `-- Board description of ${board.id}, generated from boards/${board.id}.board.json.\nreturn { board = ${toLuaLiteral(runtimeBoard(board, luaVersion))} }\n`);
    const files = listFiles(outDir, ".lua").map(f => ({ name: path.relative(outDir, f).split(path.sep).join("/"), bytes: fs.statSync(f).size }));
    return { outDir, luaVersion, files, totalBytes: files.reduce((a, f) => a + f.bytes, 0) };
}

/**
 * Saves flash on the board: drops indentation and comment-only lines, keeping every line so that source maps and
 * error line numbers stay right. Safe because the generated Lua has no long-bracket strings (checked).
 */
function stripForBoard(file: string): void {
    const text = fs.readFileSync(file, "latin1");
    if (/\[=*\[/.test(text.replace(/"(?:[^"\\\n]|\\.)*"/g, '""'))) return;
    const lines = text.split("\n").map(l => {
        const t = l.replace(/^[ \t]+/, "");
        return t.startsWith("--") ? "" : t;
    });
    fs.writeFileSync(file, lines.join("\n"), "latin1");
}

export function listFiles(dir: string, suffix: string): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...listFiles(p, suffix));
        else if (e.name.endsWith(suffix)) out.push(p);
    }
    return out.sort();
}

/** Throws when the built Lua exceeds the board's code budget. */
export function checkCodeBudget(board: Board, result: BuildResult): void {
    if (result.totalBytes > board.budget.codeBytes) {
        throw new BuildError(`${board.id}: firmware is ${result.totalBytes} bytes, over the board's code budget of ${board.budget.codeBytes} bytes`);
    }
}

const moduleBuilds = new Map<string, BuildResult>();

/**
 * The host firmware as one Lua file per module (what the harness loads), plus extra roots such as test or bench
 * fixtures; built once per output folder and Lua version in a process.
 */
export function hostModuleBuild(board: Board, luaVersion: "5.1" | "5.3", outDir: string, extraRoots: string[]): BuildResult {
    const key = `${outDir}|${luaVersion}`;
    let b = moduleBuilds.get(key);
    if (!b) {
        b = buildFirmware({ board, luaVersion, bundle: false, outDir, extraRoots });
        moduleBuilds.set(key, b);
    }
    return b;
}
