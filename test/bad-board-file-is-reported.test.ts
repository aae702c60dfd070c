// A broken board file fails to load with one line naming the file and the field: malformed JSON, missing field, wrong type, out of range, unknown id, cross-field rules.
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BoardError, loadBoard, validateBoardObject } from "../tools/boards";

describe("bad board file is reported", () => {
    let dir: string;
    const good = () => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "boards", "olimex-esp32-poe.board.json"), "utf8"));
    const write = (id: string, content: unknown) => fs.writeFileSync(path.join(dir, `${id}.board.json`), typeof content === "string" ? content : JSON.stringify(content, null, 2));

    /** Loading `id` from the temp dir must throw a one-line BoardError that matches every pattern. */
    function rejects(id: string, ...patterns: RegExp[]): string {
        let message = "";
        assert.throws(() => loadBoard(id, dir), (e: unknown) => {
            assert.ok(e instanceof BoardError, `not a BoardError: ${e}`);
            message = e.message;
            return true;
        });
        assert.ok(!message.includes("\n"), `one line: ${message}`);
        for (const p of patterns) assert.match(message, p);
        return message;
    }
    /** A copy of a good board with `edit` applied, written as `id`. */
    function broken(id: string, edit: (b: any) => void): void {
        const b = good();
        b.id = id;
        edit(b);
        write(id, b);
    }

    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ringcast-boards-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("malformed JSON: names the file and the line and column", () => {
        write("trailing-comma", '{\n  "id": "trailing-comma",\n  "name": "x",\n}\n');
        rejects("trailing-comma", /trailing-comma\.board\.json: malformed JSON at line 4, column 1/);
        write("empty", "");
        rejects("empty", /empty\.board\.json: malformed JSON .*end of file/);
    });

    it("missing field: names its path", () => {
        broken("no-pool", b => delete b.budget.poolBytes);
        rejects("no-pool", /no-pool\.board\.json: budget\.poolBytes is missing/);
    });

    it("wrong type: names the field, the type wanted and the value found", () => {
        broken("string-baud", b => (b.serial.baud = "115200"));
        rejects("string-baud", /string-baud\.board\.json: serial\.baud must be an integer \(got "115200"\)/);
    });

    it("out of range: says the bound and the value", () => {
        broken("tiny-pool", b => (b.budget.poolBytes = 12));
        rejects("tiny-pool", /tiny-pool\.board\.json: budget\.poolBytes must be >= 1024 \(got 12\)/);
        broken("bad-phy", b => (b.ethernet.phy = "LAN8720"));
        rejects("bad-phy", /ethernet\.phy must be one of .*"LAN87XX".* \(got "LAN8720"\)/);
    });

    it("unknown field: a typo is caught, `#` comments are not", () => {
        broken("typo", b => {
            b.budget.poolByte = 4096;
            b.budget["#why"] = "a comment";
        });
        const message = rejects("typo", /budget\.poolByte is not a known field \(known: poolBytes/);
        assert.doesNotMatch(message, /#why/);
        broken("commented", b => (b.sd.pins["#pins"] = "comments are allowed in any object"));
        assert.equal(loadBoard("commented", dir).id, "commented");
    });

    it("id differing from the file name", () => {
        broken("renamed", b => (b.id = "other"));
        rejects("renamed", /renamed\.board\.json: id must be "renamed", the file name \(got "other"\)/);
    });

    it("unknown id: lists the known ids", () => {
        broken("known-one", () => {});
        rejects("nope", /unknown board 'nope'; known boards: known-one/);
        assert.throws(() => loadBoard("nope"), /known boards: .*olimex-esp32-poe/);
    });

    it("cross-field rules: buffers, pool, periods, platform sections, sdkconfig", () => {
        const cases: Array<[(b: any) => void, RegExp]> = [
            [b => (b.budget.bufferBytes = 1000), /budget\.bufferBytes must be a multiple of 512\b.*\(got 1000\)/],
            [b => (b.budget.poolBytes = 2048), /budget\.poolBytes must be >= budget\.bufferBytes \(4096\) \(got 2048\)/],
            [b => (b.timing.sendPeriodUs = 500), /timing\.sendPeriodUs must be >= timing\.timerTickUs \(1000\) \(got 500\)/],
            [b => (b.timing.readPeriodUs = 2000), /timing\.readPeriodUs must be >= timing\.sendPeriodUs \(5000\) \(got 2000\)/],
            [b => (b.timing.sendLeadUs = 5000), /timing\.sendLeadUs must be 0 or absent on a NodeMCU board, whose sockets send at once \(got 5000\)/],
            [b => (b.timing.sendLeadUs = 20000), /timing\.sendLeadUs must be < 20000: an RTCP BYE waits 20 ms behind the last RTP packets \(got 20000\)/],
            [b => delete b.sd, /sd is required on a nodemcu board/],
            [b => (b.platform = "host"), /ethernet must be absent on the host board/],
            [b => (b.nodemcuBuild.freertosHz = 100), /timing\.timerTickUs must be one FreeRTOS tick.*= 10000 \(got 1000\)/],
            [b => (b.budget.maxBitsPerSecond = 5000000), /budget\.maxBitsPerSecond must be <= \d+: .*block the Lua task/],
            [b => (b.sd.pins.clk = 13), /sd\.pins\.clk must be 14/],
            [b => (b.nodemcuBuild.sdkconfig = b.nodemcuBuild.sdkconfig.filter((l: string) => !l.startsWith("CONFIG_FREERTOS_HZ"))), /nodemcuBuild\.sdkconfig must contain "CONFIG_FREERTOS_HZ=1000"/],
            [b => (b.luaVersion = "5.1"), /nodemcuBuild\.sdkconfig must contain "CONFIG_LUA_VERSION_51=y"/],
        ];
        for (const [edit, pattern] of cases) {
            const b = good();
            edit(b);
            assert.throws(() => validateBoardObject(b, "boards/edited.board.json"), (e: unknown) => {
                assert.ok(e instanceof BoardError);
                assert.match(e.message, /^boards\/edited\.board\.json: /);
                assert.match(e.message, pattern);
                return true;
            });
        }
    });
});
