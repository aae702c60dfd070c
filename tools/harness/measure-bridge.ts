// Measures the harness bridge: bytes/s each way and the cost of one call, per Lua version. Run: npx tsx tools/harness/measure-bridge.ts
import * as crypto from "crypto";
import { LuaVersion } from "./glue";
import { LuaVm } from "./lua-vm";

const DRIVER = `
local b = require("__rc_bridge")
local packet = string.rep("x", 1400)
b.on(9, function(id) sink = b.readBlob() end)
function send_packets(n) for i = 1, n do b.send3("U", 1, 5004, "127.0.0.1", packet) end end
function send_one() b.send3("U", 1, 5004, "127.0.0.1", packet) end
function send_big() b.send1("B", 1, big) end
function clock_calls(n) local t for i = 1, n do t = b.callNumber("C", 0) b.endLine() end end
function noop() end
`;

function time(fn: () => void): number {
    const t = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t) / 1e3;
}

export function measureBridge(version: LuaVersion): Record<string, number> {
    const vm = new LuaVm(version);
    vm.handle("U", () => undefined);
    vm.handle("B", () => undefined);
    vm.handle("C", () => vm.feed("123456789\n"));
    vm.exec(DRIVER);
    const mib = crypto.randomBytes(1 << 20);
    const N = 20000;
    vm.exec("send_packets(1000)");
    const packetUs = time(() => vm.exec(`send_packets(${N})`)) / N;
    const callUs = time(() => {
        for (let i = 0; i < N; i++) vm.call("noop");
    }) / N;
    const clockUs = time(() => vm.exec(`clock_calls(${N})`)) / N;
    const inUs = time(() => {
        vm.feed(`9 1 ${mib.length}\n`);
        vm.feed(mib);
        vm.call("__rc_pump");
    });
    vm.exec(`big = sink`);
    const outUs = time(() => vm.call("send_big"));
    vm.close();
    return {
        "Lua->JS 1400-byte packet (µs)": packetUs,
        "JS->Lua call of an empty function (µs)": callUs,
        "Lua->JS->Lua clock call (µs)": clockUs,
        "JS->Lua throughput (MB/s)": mib.length / inUs,
        "Lua->JS throughput (MB/s)": mib.length / outUs,
    };
}

if (require.main === module) {
    for (const v of ["5.1", "5.3"] as LuaVersion[]) {
        const r = measureBridge(v);
        console.log(`Lua ${v}`);
        for (const [k, val] of Object.entries(r)) console.log(`  ${k.padEnd(42)} ${val.toFixed(2)}`);
    }
}
