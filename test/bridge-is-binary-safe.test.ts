// The harness bridge carries any bytes both ways, bit-exact: every byte value, NULs, and 1 MiB of random data.
import { strict as assert } from "assert";
import * as crypto from "crypto";
import { LuaVm } from "../tools/harness/lua-vm";
import { luaVersions } from "./support/firmware";

const ECHO = `
local bridge = require("__rc_bridge")
bridge.on(9, function(id) local s = bridge.readBlob(); bridge.send1("E", #s, s) end)
function make_all_bytes() local t = {} for i = 0, 255 do t[#t + 1] = string.char(i) end bridge.send1("E", 256, table.concat(t)) end
`;

for (const version of luaVersions()) {
    describe(`bridge is binary-safe (Lua ${version})`, () => {
        let vm: LuaVm;
        let received: Buffer[];
        beforeEach(() => {
            vm = new LuaVm(version);
            received = [];
            vm.handle("E", (args, blob) => {
                assert.equal(Number(args[0]), blob.length, "Lua's own length of the string must match the bytes received");
                received.push(Buffer.from(blob));
            });
            vm.exec(ECHO);
        });
        afterEach(() => vm.close());

        function roundTrip(data: Buffer): Buffer {
            vm.feed(`9 1 ${data.length}\n`);
            vm.feed(data);
            vm.call("__rc_pump");
            assert.equal(received.length, 1);
            return received[0];
        }

        it("Lua -> JS: every byte value 0..255 in one string", () => {
            vm.call("make_all_bytes");
            assert.deepEqual([...received[0]], Array.from({ length: 256 }, (_, i) => i));
        });

        it("JS -> Lua -> JS: every byte value, NULs and 0xFF included", () => {
            const all = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) % 256));
            assert.ok(roundTrip(all).equals(all));
        });

        it("1 MiB of random bytes crosses both ways bit-exact", () => {
            const data = crypto.randomBytes(1 << 20);
            assert.ok(roundTrip(data).equals(data));
        });

        it("the empty string and a lone NUL survive", () => {
            assert.equal(roundTrip(Buffer.alloc(0)).length, 0);
            received = [];
            assert.deepEqual([...roundTrip(Buffer.from([0]))], [0]);
        });
    });
}
