// `ringcast boards [id]`: a table of the boards, or one board in full with the sdkconfig lines its NodeMCU build needs.
import type { Command } from "commander";
import type { Board } from "../boards/board";
import { BoardError, loadBoard, loadBoards } from "./boards";

export function boardsCommand(program: Command): Command {
    return program
        .command("boards [id]")
        .description("list the boards, or describe one (with the sdkconfig lines for its NodeMCU build)")
        .option("--json", "print the board(s) as JSON")
        .action((id: string | undefined, opts: { json?: boolean }, cmd: Command) => {
            let text: string;
            try {
                const data = id ? loadBoard(id) : loadBoards();
                if (opts.json) text = JSON.stringify(data, null, 2);
                else text = Array.isArray(data) ? boardsTable(data) : describeBoard(data);
            } catch (e) {
                if (e instanceof BoardError) return cmd.error(`error: ${e.message}`);
                throw e;
            }
            process.stdout.write(text + "\n");
        });
}

export function boardsTable(boards: Board[]): string {
    const rows = [["ID", "NAME", "LUA", "NUMBERS", "PHY", "SD", "POOL"]];
    for (const b of boards) {
        const phy = b.ethernet ? `${b.ethernet.phy}@${b.ethernet.address}` : "-";
        rows.push([b.id, b.name, b.luaVersion, b.numberType, phy, b.sd?.interface ?? "folder", kib(b.budget.poolBytes)]);
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map(r => r[c].length)));
    return rows.map(r => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join("\n");
}

export function describeBoard(b: Board): string {
    const lines = [`${b.id}: ${b.name} (${b.platform})`, ...field("Lua", `${b.luaVersion}, numbers ${b.numberType}`)];
    const e = b.ethernet;
    if (e) {
        const power = e.powerPinKind === "none" ? "no PHY power/reset pin" : `PHY ${e.powerPinKind === "switch" ? "power switch" : "reset"} on GPIO${e.powerPin}`;
        lines.push(...field("Ethernet", `${e.phy} at address ${e.address}, MDC ${e.mdc}, MDIO ${e.mdio}, RMII clock ${e.clockMode}, ${power}`));
    }
    const sd = b.sd;
    if (sd) {
        const pins = Object.entries(sd.pins).filter(([k]) => !/^[#$]/.test(k)).map(([k, v]) => `${k} ${v}`).join(", ");
        lines.push(...field("SD", `${sd.interface} (${pins}) at ${sd.mountPoint}, up to ${sd.maxFrequencyHz / 1e6} MHz, ${sd.readBytesPerSecond} B/s + ${sd.readOverheadUs} µs per read`));
    } else lines.push(...field("SD", "a folder on the host plays the card"));
    const u = b.budget;
    lines.push(...field("Budget", `pool ${kib(u.poolBytes)} in ${kib(u.bufferBytes)} buffers, code ${kib(u.codeBytes)}, ${u.maxBitsPerSecond / 1e6} Mbit/s, ${u.maxStreams} streams`));
    const t = b.timing;
    lines.push(...field("Timing", `tick ${t.timerTickUs} µs, send every ${t.sendPeriodUs} µs, read every ${t.readPeriodUs} µs, drop packets later than ${t.lateToleranceUs} µs`));
    if (b.serial) lines.push(...field("Serial", `${b.serial.baud} baud, USB vendor ${b.serial.usbVendorIds.join("/")}, wait ${b.serial.resetOnOpenMs} ms after opening`));
    if (b.nodemcuBuild) {
        const n = b.nodemcuBuild;
        lines.push(...field("Modules", n.modules.join(" ")));
        lines.push("", "NodeMCU build: paste into sdkconfig (or set in menuconfig), then build the firmware:", ...n.sdkconfig.map(l => `  ${l}`));
    }
    const notes = comments(b);
    if (notes.length) lines.push("", "Notes:", ...notes.map(([where, text]) => `  ${where}: ${text}`));
    if (b.$source) lines.push("", ...field("Source", b.$source));
    return lines.join("\n");
}

function field(label: string, value: string): string[] {
    return [`${(label + ":").padEnd(10)}${value}`];
}

function kib(bytes: number): string {
    return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`;
}

/** The `#` comments of a board with where they sit (`budget`, `budget.#codeBytes`), so the reasons travel with the numbers. */
function comments(value: unknown, where = ""): Array<[string, string]> {
    if (!value || typeof value !== "object" || Array.isArray(value)) return [];
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]): Array<[string, string]> => {
        const name = k === "#" ? "" : k.replace(/^#/, "");
        const at = [where, name].filter(Boolean).join(".") || "board";
        if (k.startsWith("#")) return [[at, Array.isArray(v) ? v.join(" ") : String(v)]];
        return comments(v, where ? `${where}.${k}` : k);
    });
}
