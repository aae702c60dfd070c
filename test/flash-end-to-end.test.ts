// End to end: build a real board, flash the emulator (a separate process on a pty) through serialport, and see the firmware boot.
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { ROOT } from "../tools/build";
import { flash } from "../tools/flash/flash";
import { SerialLink } from "../tools/flash/link";
import { Repl } from "../tools/flash/repl";
import * as fs from "fs";
import { probe } from "../tools/probe";
import { built, removeTempDirs, tempDir } from "./flash-support";
import { makeWav } from "./support/media";

const BOARD = "olimex-esp32-poe";

function waitFor(get: () => string, re: RegExp, ms: number, what: string): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
        const t0 = Date.now();
        const poll = (): void => {
            const m = re.exec(get());
            if (m) return resolve(m);
            if (Date.now() - t0 > ms) return reject(new Error(`${what}: no match for ${re} in ${ms} ms; got ${JSON.stringify(get().slice(-500))}`));
            setTimeout(poll, 25);
        };
        poll();
    });
}

describe("flash end to end: build, flash the emulator process over a pty, boot", function () {
    this.timeout(120_000);
    let child: ChildProcess | undefined;
    let out = "";
    let err = "";
    // Folders are made in before(), not when the file loads: other files' after() hooks remove every temp folder made so far.
    let root = "";
    let pty = "";
    let sd = "";
    // The card holds a short 16 kHz mono file (8.3 name, as a FAT card without long names needs).
    const source = makeWav({ rate: 16000, channels: 1, bits: 16, seconds: 1.5, seed: 7 });

    before(async () => {
        root = tempDir("e2e");
        pty = path.join(root, "tty");
        sd = tempDir("e2e-sd");
        fs.writeFileSync(path.join(sd, "TONE.WAV"), source.file);
        child = spawn(process.execPath, [path.join(ROOT, "bin", "ringcast.js"), "emulate", "--board", BOARD, "--sd", sd, "--spiffs", path.join(root, "spiffs"), "--pty", pty], { stdio: ["pipe", "pipe", "pipe"] });
        child.stdout!.on("data", d => (out += d.toString("latin1")));
        child.stderr!.on("data", d => (err += d.toString()));
        await waitFor(() => err, /emulator: ready/, 30_000, "emulator start");
    });

    after(async () => {
        if (child && child.exitCode === null) {
            const exited = new Promise(r => child!.once("exit", r));
            child.stdin!.write("quit\n");
            await Promise.race([exited, new Promise(r => setTimeout(r, 3000))]);
            if (child.exitCode === null) child.kill("SIGKILL");
        }
        removeTempDirs();
    });

    it("flashes every built file, verified, and the board boots the firmware", async () => {
        const dir = built(BOARD);
        const result = await flash({ board: require("../tools/boards").loadBoard(BOARD), dir, port: pty, baud: 115200 });
        assert.deepEqual(result.files.map(f => f.name).sort(), ["board.lua", "ringcast.lua"]);
        assert.equal(result.slot, "A");
        assert.match(result.booted ?? "", /starting set A/);
        await waitFor(() => out, new RegExp(`ringcast on ${BOARD}`), 10_000, "firmware boot log");
        assert.ok(result.bytesPerSecond > 0);
        // Throughput at the board's 115200 baud, paced by the emulator: printed for the record, not asserted.
        console.log(`      flash throughput: ${Math.round(result.bytesPerSecond)} file bytes/s (${result.uploadedBytes} bytes in ${result.seconds.toFixed(1)} s)`);
    });

    it("an RTSP client on loopback receives the audio of the file on the emulated card, exactly", async () => {
        await waitFor(() => out, /rtsp: listening on port (\d+)/, 10_000, "RTSP server start");
        const port = /rtsp: listening on port (\d+)/.exec(out)![1];
        const wav = path.join(root, "received.wav");
        const result = await probe(`rtsp://127.0.0.1:${port}/TONE.WAV`, { durationS: 6, wav, timeoutS: 10 });
        assert.equal(result.streams.length, 1);
        const got = fs.readFileSync(wav);
        const data = got.subarray(got.indexOf("data") + 8);
        assert.equal(data.length, source.data.length, `received ${data.length} bytes of ${source.data.length}`);
        assert.ok(data.equals(source.data), "the received samples equal the file's");
    });

    it("the firmware's scheduler runs on the NodeMCU timers and clock", async () => {
        const link = await SerialLink.open(pty, 115200);
        try {
            const repl = new Repl(link);
            await repl.sync();
            await repl.exec(`__probe=0 RINGCAST.firmware.scheduler:addPeriodic("probe", 10000, 0, function() __probe=__probe+1 end)`);
            await link.sleep(500);
            const [runs] = (await repl.query(`print("rcp",__probe)`, "rcp")).map(Number);
            // 10 ms period for 0.5 s: about 50 runs; a scheduler that never fires gives 0.
            assert.ok(runs >= 10, `the probe task ran ${runs} times in 0.5 s`);
        } finally {
            await link.close();
        }
    });
});
