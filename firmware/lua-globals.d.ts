// The Lua standard library as NodeMCU boards have it (no os, no io for firmware code: files go through the HAL).
/** @noSelfInFile */

declare const _VERSION: string;
declare function error(message: string, level?: number): never;
declare function tostring(value: unknown): string;
declare function tonumber(value: unknown, base?: number): number | undefined;
declare function type(value: unknown): "nil" | "number" | "string" | "boolean" | "table" | "function" | "thread" | "userdata";
declare function pcall<A extends unknown[], R>(f: (this: void, ...args: A) => R, ...args: A): LuaMultiReturn<[true, R] | [false, string]>;
declare function collectgarbage(option: "count"): number;
declare function collectgarbage(option: "collect" | "step" | "stop" | "restart"): number;
declare function select<T>(index: number, ...args: T[]): T;
declare function rawequal(a: unknown, b: unknown): boolean;

/** @noSelf */
declare namespace string {
    function byte(s: string, i?: number): number;
    function byte(s: string, i: number, j: number): LuaMultiReturn<number[]>;
    function char(...bytes: number[]): string;
    function sub(s: string, i: number, j?: number): string;
    function rep(s: string, n: number, sep?: string): string;
    function format(fmt: string, ...args: unknown[]): string;
    function find(s: string, pattern: string, init?: number, plain?: boolean): LuaMultiReturn<[number, number, ...string[]] | [undefined]>;
    function match(s: string, pattern: string, init?: number): LuaMultiReturn<(string | undefined)[]>;
    function gsub(s: string, pattern: string, repl: string | LuaTable<string, string> | ((...captures: string[]) => string), n?: number): LuaMultiReturn<[string, number]>;
    function lower(s: string): string;
    function upper(s: string): string;
    function len(s: string): number;
    /** Lua 5.3 only (nil on 5.1): binary packing, used where a C loop beats a pattern. */
    const pack: ((this: void, fmt: string, ...values: unknown[]) => string) | undefined;
    const unpack: ((this: void, fmt: string, s: string, pos?: number) => LuaMultiReturn<unknown[]>) | undefined;
}

/** @noSelf */
declare namespace table {
    function concat(list: (string | number)[], sep?: string, i?: number, j?: number): string;
}

/** @noSelf */
declare namespace math {
    const huge: number;
    function floor(x: number): number;
    function random(m?: number, n?: number): number;
}
