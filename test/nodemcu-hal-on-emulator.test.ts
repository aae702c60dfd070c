// The NodeMCU HAL on the emulated board: bring-up order from the board file, clock, timers, UDP, TCP chaining, SD reads.
import { strict as assert } from "assert";
import * as dgram from "dgram";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { boardIds, loadBoard } from "../tools/boards";
import { PHY_SETTLE_MIN_MS } from "../tools/emulator/hw";
import { built, ConsoleBoard, freeRtspSettings, installDirect, removeTempDirs, tempDir } from "./flash-support";

async function booted(id: string, withCard = true): Promise<ConsoleBoard> {
    const spiffs = tempDir(`hal-${id}`);
    installDirect(spiffs, built(id));
    await freeRtspSettings(spiffs);
    let sd: string | undefined;
    if (withCard) {
        sd = tempDir(`sd-${id}`);
        fs.writeFileSync(path.join(sd, "TONE.RAW"), Buffer.from(Array.from({ length: 1500 }, (_, i) => i % 251)));
    }
    const b = new ConsoleBoard(id, { spiffsDir: spiffs, sdDir: sd });
    b.board.powerOn();
    await b.waitFor(new RegExp(`ringcast on ${id}`), 10_000);
    return b;
}

describe("NodeMCU HAL on the emulated board", function () {
    this.timeout(120_000);
    const open: ConsoleBoard[] = [];
    after(() => {
        for (const b of open) b.board.close();
        removeTempDirs();
    });

    for (const id of boardIds().filter(i => loadBoard(i).platform === "nodemcu")) {
        it(`${id}: mounts the card before Ethernet, powers the PHY as its board file says, and gets an address`, async () => {
            const b = await booted(id);
            open.push(b);
            await b.waitFor(/ethernet: address 127\.0\.0\.1/, 5000);
            const e = loadBoard(id).ethernet!;
            const trace = b.board.hw.trace;
            const at = (what: string, re?: RegExp): number => trace.findIndex(t => t.what === what && (!re || re.test(t.detail)));
            const ethInit = at("eth.init");
            assert.ok(at("mount") >= 0 && at("mount") < ethInit, "the card is mounted before eth.init");
            assert.ok(at("sdmmc.init") < at("mount"));
            if (loadBoard(id).sd!.interface === "spi") assert.ok(at("spi.master") >= 0 && at("spi.master") < at("sdmmc.init"), "the SPI bus is set up before sdmmc.init");
            const detail = trace[ethInit].detail;
            if (e.powerPinKind === "switch") {
                const on = at("gpio.write", new RegExp(`^${e.powerPin} 1$`));
                assert.ok(on >= 0 && on < ethInit, "PHY power is switched on before eth.init");
                assert.ok(trace[ethInit].atMs - trace[on].atMs >= PHY_SETTLE_MIN_MS);
                assert.match(detail, / power -1$/, "a power switch is not passed to eth.init");
            } else if (e.powerPinKind === "reset") {
                assert.match(detail, new RegExp(` power ${e.powerPin}$`));
            }
            assert.deepEqual(await b.eval(`RINGCAST.hal:localAddress()`), ["127.0.0.1"]);
        });
    }

    for (const id of ["olimex-esp32-poe", "olimex-esp32-evb"]) {
        describe(`${id} (Lua ${loadBoard(id).luaVersion})`, () => {
            let b: ConsoleBoard;
            before(async () => {
                b = await booted(id);
                open.push(b);
            });

            it("clock: exact µs, never backwards, and carries the high word", async () => {
                // A clock over a scripted node.uptime(): a step back, then the low word wrapping into the high word.
                await b.run(`local P=getmetatable(RINGCAST.hal.clock) local s={{2^40+1,0},{2^40+7,0},{2^40+3,0},{2^53-2,0},{5,1}} local i=0 __c=setmetatable({},P) P.____constructor(__c,function() i=i+1 return s[i][1],s[i][2] end)`);
                const t = [];
                for (let i = 0; i < 5; i++) t.push(Number((await b.eval(`string.format("%.0f", __c:nowUs())`))[0]));
                assert.equal(t[0], 2 ** 40 + 1);
                assert.equal(t[1], 2 ** 40 + 7);
                assert.equal(t[2], t[1], "a reading below the last one holds the clock");
                assert.ok(t[4] > t[3], "past the low word's span the high word keeps it increasing");
            });

            it("timers fire at or after their time, within a tick plus scheduling slack", async () => {
                await b.run(`__late={} for k=1,5 do local t t=RINGCAST.hal:createTimer({onFire=function() __late[#__late+1]=RINGCAST.hal.clock:nowUs()-t.want end}) t.want=RINGCAST.hal.clock:nowUs()+k*7300 t:at(t.want) end`);
                await new Promise(r => setTimeout(r, 400));
                const late = (await b.eval(`table.concat(__late, ",")`))[0].split(",").map(Number);
                assert.equal(late.length, 5);
                for (const l of late) assert.ok(l >= 0 && l < 30_000, `lateness ${l} µs`);
            });

            it("UDP: sends arrive, a refused send returns false instead of raising, datagrams come in", async () => {
                const sink = dgram.createSocket("udp4");
                await new Promise<void>(r => sink.bind(0, "127.0.0.1", () => r()));
                const got = new Promise<Buffer>(r => sink.once("message", m => r(m)));
                await b.run(`__u=RINGCAST.hal:createUdpSocket({port=0, onReceive=function(d,p,a) __in=d end})`);
                const [ok, bad] = await b.eval(`__u:send(${sink.address().port},"127.0.0.1","hello\\0\\255"), __u:send(9,"not an ip","x")`);
                assert.deepEqual([ok, bad], ["true", "false"]);
                assert.deepEqual([...(await got)], [...Buffer.from("hello\0\xff", "latin1")]);
                const [port] = await b.eval(`__u.port`);
                sink.send("ping", Number(port), "127.0.0.1");
                await new Promise(r => setTimeout(r, 100));
                assert.deepEqual(await b.eval(`__in`), ["ping"]);
                sink.close();
            });

            it("TCP: a write larger than a segment goes out whole, chained on 'sent', then onWritable", async () => {
                await b.run(`__w=0 __s=RINGCAST.hal:createTcpServer({port=0, onConnect=function(c) c:setCallbacks({onReceive=function(d) c:write(string.rep(d,3000)) end, onWritable=function() __w=__w+1 end}) end})`);
                const [port] = await b.eval(`__s.port`);
                const data = await new Promise<Buffer>((resolve, reject) => {
                    const chunks: Buffer[] = [];
                    const sock = net.connect(Number(port), "127.0.0.1", () => sock.write("ab"));
                    sock.on("data", (d: Buffer) => {
                        chunks.push(d);
                        if (Buffer.concat(chunks).length >= 6000) (sock.end(), resolve(Buffer.concat(chunks)));
                    });
                    sock.on("error", reject);
                });
                assert.equal(data.toString("latin1"), "ab".repeat(3000));
                await new Promise(r => setTimeout(r, 100));
                assert.deepEqual(await b.eval(`__w`), ["1"]);
            });

            it("storage: pieces from an offset, short last piece, undefined past the end, onDone before read() returns", async () => {
                await b.run(`local f=RINGCAST.hal.storage:open("TONE.RAW") __sz=f.size __p={} __sync=false f:read(1000,200,4,__p,function(n,e) __n=n __e=e end) __sync=(__n~=nil) f:close()`);
                const got = await b.eval(`__sz, __n, __sync, #__p[1], #__p[2], #__p[3], tostring(__p[4]), __p[1]:byte(1), tostring(__e)`);
                assert.deepEqual(got, ["1500", "3", "true", "200", "200", "100", "nil", String(1000 % 251), "nil"]);
                const [missing] = await b.eval(`select(2, RINGCAST.hal.storage:open("NOPE.RAW"))`);
                assert.match(missing, /NOPE\.RAW: .*No such file/);
            });
        });
    }
});
