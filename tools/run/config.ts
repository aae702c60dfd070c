// The run config file (--config): multicast channels and SAP, checked here with one-line errors before the firmware sees it.
import * as fs from "fs";
import * as path from "path";
import type { ChannelConfig } from "../../firmware/channels/channel";

/** A channel as the config file gives it: the firmware's own channel settings (type only: nothing of it runs here). */
export type ChannelJson = ChannelConfig;

export interface SapJson {
    enabled?: boolean;
    intervalS?: number;
    group?: string;
    port?: number;
}

export interface RunConfig {
    channels: ChannelJson[];
    sap?: SapJson;
}

export class ConfigError extends Error {}

const isMulticast = (a: unknown): boolean => typeof a === "string" && /^(22[4-9]|23\d)\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) && a.split(".").every(o => Number(o) <= 255);
const isInt = (v: unknown, lo: number, hi: number): boolean => typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi;

/** Checks a parsed config; `label` starts every message; `cardFiles` (when given) must contain every playlist entry. */
export function checkConfig(value: unknown, label: string, cardFiles?: string[]): RunConfig {
    const fail = (where: string, what: string): never => {
        throw new ConfigError(`${label}: ${where}: ${what}`);
    };
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail("top level", "expected an object with \"channels\"");
    const v = value as Record<string, unknown>;
    for (const k of Object.keys(v)) if (!["channels", "sap"].includes(k) && !k.startsWith("#")) fail(k, "unknown key (expected channels, sap)");
    if (!Array.isArray(v.channels)) fail("channels", "expected an array");
    const names = new Set<string>();
    const channels = (v.channels as unknown[]).map((c, i) => {
        const where = `channels[${i}]`;
        if (typeof c !== "object" || c === null) return fail(where, "expected an object");
        const ch = c as Record<string, unknown>;
        for (const k of Object.keys(ch)) if (!["name", "files", "loop", "group", "port", "ttl"].includes(k) && !k.startsWith("#")) fail(`${where}.${k}`, "unknown key");
        if (typeof ch.name !== "string" || !/^[A-Za-z0-9_-]{1,32}$/.test(ch.name)) fail(`${where}.name`, "1-32 letters, digits, '-' or '_' (it is a URL segment)");
        const name = ch.name as string;
        if (names.has(name)) fail(`${where}.name`, `duplicate channel name "${name}"`);
        names.add(name);
        if (!Array.isArray(ch.files) || ch.files.length === 0 || !ch.files.every(f => typeof f === "string" && f.length > 0)) fail(`${where}.files`, "expected a non-empty array of card paths");
        for (const f of ch.files as string[]) {
            if (f.split("/").some(s => s === ".." || s === ".")) fail(`${where}.files`, `"${f}" leaves the card`);
            if (cardFiles && !cardFiles.includes(f.replace(/^\/+/, ""))) fail(`${where}.files`, `"${f}" is not on the card`);
        }
        if (ch.loop !== undefined && typeof ch.loop !== "boolean") fail(`${where}.loop`, "expected true or false");
        if (!isMulticast(ch.group)) fail(`${where}.group`, "expected an IPv4 multicast address (224.0.0.0-239.255.255.255)");
        if (ch.port !== undefined && (!isInt(ch.port, 1024, 65534) || (ch.port as number) % 2 !== 0)) fail(`${where}.port`, "expected an even port 1024-65534 (RTCP takes the next one)");
        if (ch.ttl !== undefined && !isInt(ch.ttl, 1, 255)) fail(`${where}.ttl`, "expected 1-255");
        return { name, files: (ch.files as string[]).map(f => f.replace(/^\/+/, "")), loop: ch.loop as boolean | undefined, group: ch.group as string, port: ch.port as number | undefined, ttl: ch.ttl as number | undefined };
    });
    const taken = new Map<string, string>();
    for (const c of channels) {
        const key = `${c.group}:${c.port ?? 5004}`;
        if (taken.has(key)) fail(`channel "${c.name}"`, `sends to ${key} like channel "${taken.get(key)}"`);
        taken.set(key, c.name);
    }
    let sap: SapJson | undefined;
    if (v.sap !== undefined) {
        if (typeof v.sap !== "object" || v.sap === null) fail("sap", "expected an object");
        const s = v.sap as Record<string, unknown>;
        for (const k of Object.keys(s)) if (!["enabled", "intervalS", "group", "port"].includes(k) && !k.startsWith("#")) fail(`sap.${k}`, "unknown key");
        if (s.enabled !== undefined && typeof s.enabled !== "boolean") fail("sap.enabled", "expected true or false");
        if (s.intervalS !== undefined && !(typeof s.intervalS === "number" && s.intervalS >= 1 && s.intervalS <= 3600)) fail("sap.intervalS", "expected 1-3600 seconds");
        if (s.group !== undefined && !isMulticast(s.group)) fail("sap.group", "expected an IPv4 multicast address");
        if (s.port !== undefined && !isInt(s.port, 1, 65535)) fail("sap.port", "expected 1-65535");
        sap = { enabled: s.enabled as boolean | undefined, intervalS: s.intervalS as number | undefined, group: s.group as string | undefined, port: s.port as number | undefined };
    }
    return { channels, sap };
}

export function readConfig(file: string, cardFiles?: string[]): RunConfig {
    const label = path.basename(file);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new ConfigError(`${label}: cannot read: ${(e as Error).message}`);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e) {
        throw new ConfigError(`${label}: not JSON: ${(e as Error).message}`);
    }
    return checkConfig(parsed, label, cardFiles);
}
