// Rules between fields of one board that the JSON schema cannot state; each problem is "field.path must ... (got ...)".
import type { Board } from "../boards/board";

/** NodeMCU modules ringcast's firmware calls on every real board. */
export const REQUIRED_MODULES = ["eth", "sdmmc", "spi", "encoder", "file", "net", "node", "tmr", "uart", "gpio"];

/** SD reads block the one Lua task (nothing else runs meanwhile), so they may take at most this share of its time. */
export const MAX_READ_SHARE = 0.5;

/** NodeMCU's default CONFIG_NODEMCU_MAX_OPEN_FILES: open files per file system. */
const DEFAULT_MAX_OPEN_FILES = 4;

/** SDMMC slot 1 (HS2) pins are fixed in silicon. */
const SDMMC_PINS: Record<string, number> = { clk: 14, cmd: 15, d0: 2 };
const SPI_PINS = ["sclk", "mosi", "miso", "cs"];

type Problems = string[];

export function crossFieldProblems(b: Board): Problems {
    const p: Problems = [];
    checkBudget(b, p);
    checkTiming(b, p);
    checkPlatform(b, p);
    if (b.luaVersion === "5.1" && b.numberType !== "double") {
        p.push(`numberType must be "double" on a Lua 5.1 board: NodeMCU's 5.1 has no float32 or int64 build (got "${b.numberType}")`);
    }
    if (b.ethernet && (b.ethernet.powerPinKind === "none") !== (b.ethernet.powerPin === -1)) {
        p.push(`ethernet.powerPin must be -1 exactly when ethernet.powerPinKind is "none" (got ${b.ethernet.powerPin} with "${b.ethernet.powerPinKind}")`);
    }
    checkSd(b, p);
    if (b.nodemcuBuild) checkSdkconfig(b, p);
    return p;
}

function checkBudget({ budget: u }: Board, p: Problems): void {
    if (u.bufferBytes % 512 !== 0) p.push(`budget.bufferBytes must be a multiple of 512, one aligned storage read (got ${u.bufferBytes})`);
    if (u.poolBytes < u.bufferBytes) p.push(`budget.poolBytes must be >= budget.bufferBytes (${u.bufferBytes}) (got ${u.poolBytes})`);
    else if (Math.floor(u.poolBytes / u.bufferBytes) < 2 * u.maxStreams) {
        // Each stream needs one buffer being read and one being sent.
        p.push(`budget.poolBytes must hold 2 buffers per stream, >= ${2 * u.maxStreams * u.bufferBytes} for ${u.maxStreams} streams (got ${u.poolBytes})`);
    }
}

function checkTiming({ timing: t, nodemcuBuild }: Board, p: Problems): void {
    if (t.sendPeriodUs < t.timerTickUs) p.push(`timing.sendPeriodUs must be >= timing.timerTickUs (${t.timerTickUs}) (got ${t.sendPeriodUs})`);
    if (t.readPeriodUs < t.sendPeriodUs) p.push(`timing.readPeriodUs must be >= timing.sendPeriodUs (${t.sendPeriodUs}) (got ${t.readPeriodUs})`);
    if (t.lateToleranceUs < t.sendPeriodUs) p.push(`timing.lateToleranceUs must be >= timing.sendPeriodUs (${t.sendPeriodUs}), or packets are dropped for the send period alone (got ${t.lateToleranceUs})`);
    const lead = t.sendLeadUs ?? 0;
    // NodeMCU's UDP sockets send at once: a packet handed over ahead would leave early.
    if (nodemcuBuild && lead > 0) p.push(`timing.sendLeadUs must be 0 or absent on a NodeMCU board, whose sockets send at once (got ${lead})`);
    // An RTCP BYE waits 20 ms on UDP behind the stream's last RTP packets; those must have left by then.
    if (lead >= 20000) p.push(`timing.sendLeadUs must be < 20000: an RTCP BYE waits 20 ms behind the last RTP packets (got ${lead})`);
    if (nodemcuBuild && t.timerTickUs * nodemcuBuild.freertosHz !== 1e6) {
        p.push(`timing.timerTickUs must be one FreeRTOS tick, 1000000 / nodemcuBuild.freertosHz = ${1e6 / nodemcuBuild.freertosHz} (got ${t.timerTickUs})`);
    }
}

function checkPlatform(b: Board, p: Problems): void {
    for (const field of ["ethernet", "sd", "nodemcuBuild", "serial"] as const) {
        if (b.platform === "nodemcu" && !b[field]) p.push(`${field} is required on a nodemcu board`);
        if (b.platform === "host" && b[field]) p.push(`${field} must be absent on the host board (the harness plays it)`);
    }
}

function checkSd({ sd, budget, timing, nodemcuBuild }: Board, p: Problems): void {
    if (!sd) return;
    const pins = sd.pins as Record<string, number | undefined>;
    const wanted = sd.interface === "spi" ? SPI_PINS : Object.keys(SDMMC_PINS);
    for (const name of wanted) {
        if (pins[name] === undefined) p.push(`sd.pins.${name} is required for ${sd.interface}`);
        else if (sd.interface !== "spi" && pins[name] !== SDMMC_PINS[name]) {
            p.push(`sd.pins.${name} must be ${SDMMC_PINS[name]}: SDMMC slot HS2 pins are fixed (got ${pins[name]})`);
        }
    }
    for (const name of Object.keys(pins)) {
        if (!name.startsWith("#") && !name.startsWith("$") && !wanted.includes(name)) p.push(`sd.pins.${name} is not a ${sd.interface} pin (use ${wanted.join(", ")})`);
    }
    // One read blocks the Lua task for its overhead plus its transfer time.
    const readUs = sd.readOverheadUs + (budget.bufferBytes * 1e6) / sd.readBytesPerSecond;
    if (timing.lateToleranceUs < readUs) {
        p.push(`timing.lateToleranceUs must cover one ${budget.bufferBytes}-byte SD read, >= ${Math.ceil(readUs)} at the sd figures (got ${timing.lateToleranceUs})`);
    }
    const secondsPerByte = 1 / sd.readBytesPerSecond + sd.readOverheadUs / 1e6 / budget.bufferBytes;
    const maxBits = Math.floor((MAX_READ_SHARE * 8) / secondsPerByte);
    if (budget.maxBitsPerSecond > maxBits) {
        const share = Math.round((budget.maxBitsPerSecond / 8) * secondsPerByte * 100);
        p.push(`budget.maxBitsPerSecond must be <= ${maxBits}: reading it from the card would block the Lua task ${share}% of the time (limit ${MAX_READ_SHARE * 100}%) (got ${budget.maxBitsPerSecond})`);
    }
    const openLine = nodemcuBuild?.sdkconfig.find(l => l.startsWith("CONFIG_NODEMCU_MAX_OPEN_FILES="));
    const maxOpen = openLine ? Number(openLine.split("=")[1]) : DEFAULT_MAX_OPEN_FILES;
    if (nodemcuBuild && budget.maxStreams > maxOpen) {
        p.push(`budget.maxStreams must be <= ${maxOpen}, the open files NodeMCU allows per file system (CONFIG_NODEMCU_MAX_OPEN_FILES) (got ${budget.maxStreams})`);
    }
}

/** For each option the board's other fields decide: the value it must have, or undefined for "must not be set". */
export function sdkconfigImplied(b: Board): Array<{ option: string; value: string | undefined; from: string }> {
    const n = b.nodemcuBuild!;
    const out: Array<{ option: string; value: string | undefined; from: string }> = [];
    const need = (option: string, value: string | undefined, from: string) => out.push({ option, value, from });
    need(`CONFIG_LUA_VERSION_${b.luaVersion.replace(".", "")}`, "y", "luaVersion");
    if (b.luaVersion === "5.3") {
        need("CONFIG_LUA_NUMBER_DOUBLE", b.numberType === "float32-int32" ? undefined : "y", "numberType");
        need("CONFIG_LUA_NUMBER_INT64", b.numberType === "int64-double" ? "y" : undefined, "numberType");
    } else {
        need("CONFIG_LUA_NUMBER_INTEGRAL", undefined, "numberType");
    }
    need("CONFIG_FREERTOS_HZ", String(n.freertosHz), "nodemcuBuild.freertosHz");
    const clock = b.ethernet?.clockMode;
    if (clock === "gpio0-in") need("CONFIG_ETH_RMII_CLK_INPUT", "y", "ethernet.clockMode");
    if (clock && clock !== "gpio0-in") {
        need("CONFIG_ETH_RMII_CLK_OUTPUT", "y", "ethernet.clockMode");
        need("CONFIG_ETH_RMII_CLK_OUTPUT_GPIO0", clock === "gpio0-out" ? "y" : undefined, "ethernet.clockMode");
        if (clock !== "gpio0-out") need("CONFIG_ETH_RMII_CLK_OUT_GPIO", clock === "gpio16-out" ? "16" : "17", "ethernet.clockMode");
    }
    if (!n.fatLongFileNames) {
        need("CONFIG_FATFS_LFN_HEAP", undefined, "nodemcuBuild.fatLongFileNames");
        need("CONFIG_FATFS_LFN_STACK", undefined, "nodemcuBuild.fatLongFileNames");
    }
    for (const m of n.modules) need(`CONFIG_NODEMCU_CMODULE_${m.toUpperCase()}`, "y", "nodemcuBuild.modules");
    return out;
}

function checkSdkconfig(b: Board, p: Problems): void {
    const n = b.nodemcuBuild!;
    const set = new Map<string, string>();
    for (const line of n.sdkconfig) {
        const m = /^(CONFIG_[A-Z0-9_]+)=(.*)$/.exec(line);
        if (!m) continue;
        if (set.has(m[1])) p.push(`nodemcuBuild.sdkconfig sets ${m[1]} twice`);
        set.set(m[1], m[2]);
    }
    for (const { option, value, from } of sdkconfigImplied(b)) {
        const got = set.get(option);
        if (value !== undefined && got !== value) p.push(`nodemcuBuild.sdkconfig must contain "${option}=${value}" (from ${from}) (got ${got === undefined ? "no such line" : `"${option}=${got}"`})`);
        if (value === undefined && got === "y") p.push(`nodemcuBuild.sdkconfig must not set "${option}=y" (from ${from})`);
    }
    if (n.fatLongFileNames && set.get("CONFIG_FATFS_LFN_HEAP") !== "y" && set.get("CONFIG_FATFS_LFN_STACK") !== "y") {
        p.push(`nodemcuBuild.sdkconfig must contain "CONFIG_FATFS_LFN_HEAP=y" (from nodemcuBuild.fatLongFileNames) (got no such line)`);
    }
    for (const m of REQUIRED_MODULES) {
        if (!n.modules.includes(m)) p.push(`nodemcuBuild.modules must include "${m}": the firmware needs ${REQUIRED_MODULES.join(", ")} (got ${n.modules.join(", ")})`);
    }
}
