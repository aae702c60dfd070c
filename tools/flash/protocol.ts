// The Lua lines the flasher sends, each under the REPL's line limit, and the checks it computes on the laptop to compare.
import { MAX_LINE } from "./repl";

export type Encoding = "base64" | "hex";
export type Slot = "A" | "B";

/** Payload characters per write line: `__rw("` + payload + `")` stays within MAX_LINE; base64 in whole quads. */
export const PAYLOAD_CHARS: Record<Encoding, number> = { base64: 240, hex: 240 };
/** File bytes per line. */
export const BYTES_PER_LINE: Record<Encoding, number> = { base64: 180, hex: 120 };

/** SPIFFS names hold 31 characters; a set's files carry a two-character prefix ("A."). */
export const MAX_NAME = 29;

/** Adler-32 as the board computes it (two sums modulo 65521: no bitwise operators, exact with 32-bit integers too). */
export function adler(data: Buffer): { a: number; b: number } {
    let a = 1;
    let b = 0;
    for (const x of data) {
        a = (a + x) % 65521;
        b = (b + a) % 65521;
    }
    return { a, b };
}

/** Helpers defined once per session; each is one REPL line. */
export function helperLines(encoding: Encoding): string[] {
    const write =
        encoding === "base64"
            ? `function __rw(s) assert(__rf:write(encoder.fromBase64(s))) end`
            : `function __rw(s) assert(__rf:write((s:gsub("%x%x",function(h) return string.char(tonumber(h,16)) end)))) end`;
    return [
        write,
        // Size and Adler-32 of a file, computed on the board.
        `function __rv(n) local f=assert(io.open(n,"rb")) local a,b,z=1,0,0 while true do local s=f:read(256) if not s then break end z=z+#s for i=1,#s do a=(a+s:byte(i))%65521 b=(b+a)%65521 end end f:close() print("rcv",z,a,b) end`,
        `function __rs(n) local f=io.open(n,"rb") if not f then return nil end local z=f:seek("end") f:close() return z end`,
        // The generation of a set if init.lua would boot it (the same test as init.lua's), else -1.
        `function __rm(s) local c=loadfile(s..".man") if not c then return -1 end local ok,m=pcall(c) if not ok or type(m)~="table" or m.done~=true then return -1 end for k,v in pairs(m.files) do if __rs(s.."."..k)~=v then return -1 end end return m.gen end`,
    ];
}

export const QUERY_SETS = `print("rcq",__rm("A"),__rm("B"))`;
export const QUERY_FREE = `print("rcf",file.fsinfo())`;
export const QUERY_APP = `print("rca",RINGCAST~=nil and "up" or "down",encoder~=nil and encoder.fromBase64~=nil and "b64" or "hex")`;

export function clearSlot(slot: Slot): string {
    return `for k in pairs(file.list()) do if k:sub(1,2)=="${slot}." then file.remove(k) end end`;
}
export const openLine = (name: string): string => `__rf=assert(io.open(${JSON.stringify(name)},"wb"))`;
export const CLOSE_LINE = `__rf:close() __rf=nil`;
export const verifyLine = (name: string): string => `__rv(${JSON.stringify(name)})`;
/** One line, so the swap cannot be cut in half by the link: either the old init.lua or the new one is there. */
export const SWAP_INIT = `if __rs("init.lua") then file.remove("init.lua") end file.rename("init.new","init.lua") print("rci",__rs("init.lua"))`;

export function writeLines(data: Buffer, encoding: Encoding): string[] {
    const text = encoding === "base64" ? data.toString("base64") : data.toString("hex");
    const lines: string[] = [];
    for (let i = 0; i < text.length; i += PAYLOAD_CHARS[encoding]) lines.push(`__rw("${text.slice(i, i + PAYLOAD_CHARS[encoding])}")`);
    for (const l of lines) if (l.length > MAX_LINE) throw new Error(`internal: write line of ${l.length} characters`);
    return lines;
}

export interface Manifest {
    gen: number;
    entry: string;
    files: Record<string, number>;
}

/** What init.lua loads; `done=true` comes last, so a file cut short never passes for a manifest. */
export function manifestText(m: Manifest): string {
    const files = Object.entries(m.files)
        .map(([k, v]) => `[${JSON.stringify(k)}]=${v}`)
        .join(",");
    return `return {gen=${m.gen},entry=${JSON.stringify(m.entry)},files={${files}},done=true}\n`;
}
