// NodeMCU-ESP32 modules as the HAL sees them (dev-esp32 branch): module functions are dot calls, objects are colon calls.
/** @noSelfInFile */

declare function print(...args: unknown[]): void;
declare function collectgarbage(option: "setpause" | "setstepmul", value: number): number;
declare function loadfile(path: string): LuaMultiReturn<[(this: void, ...args: unknown[]) => unknown, undefined] | [undefined, string]>;

/** Lua file handle from io.open (SPIFFS names, or "/SD0/..." once the card is mounted). */
interface IoFile {
    /** Up to n bytes; undefined at end of file (or with a message on error). */
    read(n: number): LuaMultiReturn<[string | undefined, string | undefined]>;
    /** Whence first; returns the new position, or undefined and a message. */
    seek(whence: "set" | "cur" | "end", offset?: number): LuaMultiReturn<[number | undefined, string | undefined]>;
    write(...data: string[]): LuaMultiReturn<[IoFile | undefined, string | undefined]>;
    setvbuf(mode: "no" | "full" | "line", size?: number): void;
    close(): void;
}
/** @noSelf */
declare namespace io {
    function open(path: string, mode?: string): LuaMultiReturn<[IoFile, undefined] | [undefined, string]>;
}

/** @noSelf */
declare namespace file {
    function list(dir?: string): LuaTable<string, number> | undefined;
    function exists(path: string): boolean;
    function remove(path: string): void;
    function rename(from: string, to: string): boolean;
}

interface TmrTimer {
    register(ms: number, mode: number, fn: (this: void, t: TmrTimer) => void): void;
    alarm(ms: number, mode: number, fn: (this: void, t: TmrTimer) => void): boolean;
    /** False if already running; raises "timer not registered" if never registered. */
    start(): boolean;
    stop(): boolean;
    unregister(): void;
    interval(ms: number): void;
    state(): LuaMultiReturn<[boolean, number] | [undefined]>;
}
/** @noSelf */
declare namespace tmr {
    const ALARM_SINGLE: number;
    const ALARM_AUTO: number;
    const ALARM_SEMI: number;
    function create(): TmrTimer;
    function wdclr(): void;
}

/** @noSelf */
declare namespace node {
    /** Float builds: (µs since boot as a number, µs >> 53); integer builds: (bits 0-30, bits 31-61). */
    function uptime(): LuaMultiReturn<[number, number]>;
    function heap(): number;
    function restart(): void;
    function chipid(): string;
    function setonerror(fn?: (this: void, message: string) => void): void;
    function input(line: string): void;
    namespace task {
        const LOW_PRIORITY: number;
        const MEDIUM_PRIORITY: number;
        const HIGH_PRIORITY: number;
        function post(priority: number, fn: (this: void, priority: number) => void): void;
    }
    /** Lua 5.1 builds only. */
    const egc: { setmode(this: void, mode: number, limit?: number): void; ON_ALLOC_FAILURE: number; ON_MEM_LIMIT: number; ALWAYS: number; NOT_ACTIVE: number } | undefined;
}

interface NetUdpSocket {
    listen(port?: number, ip?: string): void;
    on(event: "receive", fn: (this: void, s: NetUdpSocket, data: string, port: number, ip: string) => void): void;
    on(event: "sent" | "dns", fn?: (this: void, s: NetUdpSocket) => void): void;
    /** Synchronous; raises lwIP errors ("out of memory", "buffer error", ...): always call through pcall. */
    send(port: number, ip: string, data: string): void;
    getaddr(): LuaMultiReturn<[number, string]>;
    close(): void;
}
interface NetTcpConnection {
    on(event: "receive", fn: (this: void, c: NetTcpConnection, data: string) => void): void;
    on(event: "sent" | "connection" | "reconnection", fn: (this: void, c: NetTcpConnection) => void): void;
    on(event: "disconnection", fn: (this: void, c: NetTcpConnection, err?: number) => void): void;
    /** Raises "buffer error" when the send buffer cannot take it all; one send in flight at a time. */
    send(data: string): void;
    close(): void;
    getpeer(): LuaMultiReturn<[number, string]>;
}
interface NetTcpServer {
    listen(port: number, ip: string, fn: (this: void, c: NetTcpConnection) => void): void;
    getaddr(): LuaMultiReturn<[number, string]>;
    close(): void;
}
/** @noSelf */
declare namespace net {
    const TCP: number;
    const UDP: number;
    function createUDPSocket(): NetUdpSocket;
    function createServer(type: number, timeoutS?: number): NetTcpServer;
    function multicastJoin(ifIp: string, group: string): void;
    function multicastLeave(ifIp: string, group: string): void;
}

interface EthInitConfig {
    phy: number;
    addr?: number;
    mdc: number;
    mdio: number;
    /** IDF's reset_gpio_num: pulsed low, then high, with no wait after. */
    power?: number;
}
interface EthGotIp {
    ip: string;
    netmask: string;
    gw: string;
}
/** @noSelf */
declare namespace eth {
    function init(config: EthInitConfig): void;
    function on(event: "got_ip", fn?: (this: void, event: string, info: EthGotIp) => void): void;
    function on(event: "start" | "stop" | "connected" | "disconnected", fn?: (this: void, event: string) => void): void;
    function get_speed(): number;
    function get_mac(): string;
}

interface SdCard {
    /** True when mounted, false when not; raises "already mounted". */
    mount(path: string, partition?: number): boolean;
    umount(): boolean;
}
/** @noSelf */
declare namespace sdmmc {
    const HS1: number;
    const HS2: number;
    const SPI2: number;
    const SPI3: number;
    const W1BIT: number;
    const W4BIT: number;
    function init(slot: number, config?: { cs_pin?: number; cd_pin?: number; wp_pin?: number; fmax?: number; width?: number }): SdCard;
}

/** The bus object; its __gc frees the bus, so whoever sets it up must keep a reference. */
interface SpiMaster {
    close(): void;
}
/** @noSelf */
declare namespace spi {
    const HSPI: number;
    const VSPI: number;
    function master(host: number, config: { sclk: number; mosi: number; miso: number; quadwp?: number; quadhd?: number }, dma?: number): SpiMaster;
}

/** @noSelf */
declare namespace gpio {
    const OUT: number;
    const IN: number;
    const IN_OUT: number;
    function config(config: { gpio: number | number[]; dir: number; pull?: number; opendrain?: number }): void;
    function write(pin: number, level: number): void;
    function read(pin: number): number;
}

/** @noSelf */
declare namespace uart {
    function setup(id: number, baud: number, databits: number, parity: number, stopbits: number, echo?: number): number;
    function write(id: number, ...data: string[]): void;
    function on(method: "data", need: number | string, fn?: (this: void, data: string) => void, runInput?: number): void;
    function on(method: "data"): void;
}

/** @noSelf */
declare namespace encoder {
    function toBase64(s: string): string;
    function fromBase64(s: string): string;
    function toHex(s: string): string;
    function fromHex(s: string): string;
}

/** Bit operations for Lua 5.1 builds (5.3 has native operators). */
/** @noSelf */
declare namespace bit {
    function band(a: number, b: number, ...more: number[]): number;
    function bor(a: number, b: number, ...more: number[]): number;
    function bxor(a: number, b: number, ...more: number[]): number;
    function bnot(a: number): number;
    function lshift(a: number, n: number): number;
    function rshift(a: number, n: number): number;
    function arshift(a: number, n: number): number;
}

/** Set by hal/nodemcu/boot.ts: the running firmware, for the REPL and the flash tool (`RINGCAST.stop()`). */
declare let RINGCAST: { stop: (this: void) => void; firmware?: unknown; hal?: unknown } | undefined;

/** @noSelf */
declare namespace math {
    function randomseed(seed: number): void;
}
