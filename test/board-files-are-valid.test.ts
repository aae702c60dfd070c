// Every boards/*.board.json validates, its id matches its file name, and each real board carries what flashing and the firmware need.
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as path from "path";
import { BOARDS_DIR, boardIds, loadBoard } from "../tools/boards";
import { REQUIRED_MODULES } from "../tools/board-checks";

const REAL_BOARDS = ["olimex-esp32-poe", "olimex-esp32-poe-iso", "olimex-esp32-evb", "lilygo-t-internet-poe", "lilygo-t-eth-lite"];

describe("board files are valid", () => {
    it("lists every *.board.json and only those", () => {
        const files = fs.readdirSync(BOARDS_DIR).filter(f => f.endsWith(".board.json"));
        assert.deepEqual(boardIds(), files.map(f => f.replace(/\.board\.json$/, "")).sort());
        assert.deepEqual([...REAL_BOARDS, "host"].sort(), boardIds());
    });

    for (const id of boardIds()) {
        it(`${id}: validates, points at the schema, and its id is its file name`, () => {
            const board = loadBoard(id);
            assert.equal(board.id, id);
            assert.equal(board.$schema, "./board.schema.json");
        });
    }

    for (const id of REAL_BOARDS) {
        it(`${id}: has Ethernet, SD, a NodeMCU build and serial settings`, () => {
            const b = loadBoard(id);
            assert.equal(b.platform, "nodemcu");
            assert.ok(b.ethernet && b.sd && b.nodemcuBuild && b.serial);
            assert.ok(b.$source, "names where its facts came from");
            assert.equal(b.numberType, "double");
            assert.equal(b.timing.timerTickUs, 1000);
            assert.equal(b.nodemcuBuild.freertosHz, 1000);
            assert.ok(b.nodemcuBuild.fatLongFileNames);
            for (const m of REQUIRED_MODULES) assert.ok(b.nodemcuBuild.sdkconfig.includes(`CONFIG_NODEMCU_CMODULE_${m.toUpperCase()}=y`), m);
            assert.ok(b.nodemcuBuild.sdkconfig.includes("CONFIG_FREERTOS_HZ=1000"));
            assert.ok(b.nodemcuBuild.sdkconfig.includes(b.luaVersion === "5.3" ? "CONFIG_LUA_NUMBER_DOUBLE=y" : "CONFIG_LUA_VERSION_51=y"));
            assert.equal(b.serial.baud, 115200);
            assert.ok(b.serial.usbVendorIds.length > 0);
        });
    }

    it("covers both Lua versions: the EVB is the 5.1 board", () => {
        assert.deepEqual(REAL_BOARDS.filter(id => loadBoard(id).luaVersion === "5.1"), ["olimex-esp32-evb"]);
    });

    it("has the reference's wiring for each board", () => {
        const wiring = (id: string) => {
            const { ethernet: e, sd } = loadBoard(id);
            return [e!.phy, e!.address, e!.mdc, e!.mdio, e!.clockMode, e!.powerPin, e!.powerPinKind, sd!.interface, sd!.pins];
        };
        const sdmmc = { clk: 14, cmd: 15, d0: 2 };
        assert.deepEqual(wiring("olimex-esp32-poe"), ["LAN87XX", 0, 23, 18, "gpio17-out", 12, "switch", "sdmmc-1bit", sdmmc]);
        assert.deepEqual(wiring("olimex-esp32-poe-iso"), ["LAN87XX", 0, 23, 18, "gpio17-out", 12, "switch", "sdmmc-1bit", sdmmc]);
        assert.deepEqual(wiring("olimex-esp32-evb"), ["LAN87XX", 0, 23, 18, "gpio0-in", -1, "none", "sdmmc-1bit", sdmmc]);
        assert.deepEqual(wiring("lilygo-t-internet-poe"), ["LAN87XX", 0, 23, 18, "gpio17-out", 5, "reset", "spi", { sclk: 14, mosi: 15, miso: 2, cs: 13 }]);
        assert.deepEqual(wiring("lilygo-t-eth-lite"), ["RTL8201", 0, 23, 18, "gpio0-in", 12, "switch", "spi", { sclk: 14, mosi: 13, miso: 34, cs: 5 }]);
    });

    it("keeps the host board free of hardware sections", () => {
        const host = loadBoard("host");
        assert.equal(host.platform, "host");
        assert.equal(host.ethernet ?? host.sd ?? host.nodemcuBuild ?? host.serial, undefined);
        assert.ok(fs.existsSync(path.join(BOARDS_DIR, "board.schema.json")));
    });
});
