// `npm start` from a fresh clone plays; `ringcast status` reads a running server; Ctrl-C sends BYE and exits cleanly.
import { strict as assert } from "assert";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { findFfmpeg, pcmWav } from "../tools/run/media";
import { sessionId } from "./rtsp-support";
import { ffmpeg, freePorts, RealClient, sleep, tempDir } from "./rtsp-real";

const ROOT = path.join(__dirname, "..");

/** Starts a command and resolves once its stdout shows `ready`; every child is killed after the test. */
function startCli(cmd: string, args: string[], cwd: string, ready: RegExp, children: ChildProcess[]): Promise<{ child: ChildProcess; out: () => string }> {
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
    children.push(child);
    let out = "";
    child.stdout!.on("data", d => (out += d));
    child.stderr!.on("data", d => (out += d));
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready within 90 s:\n${out}`)), 90_000);
        const check = (): void => {
            if (ready.test(out)) {
                clearTimeout(timer);
                resolve({ child, out: () => out });
            }
        };
        child.stdout!.on("data", check);
        child.on("exit", code => reject(new Error(`exited early (${code}):\n${out}`)));
    });
}

function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve, reject) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        const t = setTimeout(() => reject(new Error(`still running ${timeoutMs} ms after the signal`)), timeoutMs);
        child.once("exit", code => (clearTimeout(t), resolve(code)));
    });
}

describe("ringcast run and status as commands", function () {
    this.timeout(240_000);
    const children: ChildProcess[] = [];
    const dirs: string[] = [];
    const ff = findFfmpeg();

    afterEach(() => {
        for (const c of children.splice(0)) {
            // The whole group: a ringcast process under npm may outlive npm itself.
            if (!c.pid) continue;
            try {
                process.kill(-c.pid, "SIGKILL");
            } catch {
                /* the group is gone already */
            }
        }
        for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    });

    it("npm start in a fresh clone writes the sample, prints playable URLs and a player command, and keeps git clean", async () => {
        assert.ok(ff, "ffmpeg is needed");
        const clone = tempDir("clone");
        dirs.push(clone);
        execFileSync("git", ["clone", "--quiet", "--depth", "1", `file://${ROOT}`, clone]);
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(clone, "node_modules"), "dir");
        const { tcp, udp } = await freePorts();
        const { child, out } = await startCli("npm", ["start", "--silent", "--", "--rtsp-port", String(tcp), "--udp-port", String(udp)], clone, /Ctrl-C stops/, children);
        const urls = [...out().matchAll(/^ {2}(rtsp:\/\/\S+)$/gm)].map(m => m[1]);
        assert.deepEqual(urls.map(u => u.replace(/^.*\//, "")).sort(), fs.readdirSync(path.join(clone, "media")).filter(f => /\.(wav|au|mp3)$/.test(f)).sort());
        assert.ok(urls.length >= 3, `URLs: ${urls.join(" ")}`);
        assert.match(out(), new RegExp(`ffplay -nodisp -autoexit ${urls[0].replace(/[./]/g, "\\$&")}`));
        const decoded = await ffmpeg(ff!, ["-i", urls.find(u => u.endsWith("/tone.wav"))!, "-f", "s16le", "-c:a", "pcm_s16le", "-"]);
        assert.ok(decoded.length > 44100 * 4, `ffmpeg decoded ${decoded.length} bytes from the printed URL`);
        assert.equal(execFileSync("git", ["status", "--porcelain", "--", "media"], { cwd: clone }).toString(), "", "generated media stay out of git");
        // Ctrl-C reaches the whole process group: npm itself dies of the signal, ringcast under it shuts down cleanly.
        process.kill(-child.pid!, "SIGINT");
        await exited(child, 10_000);
        assert.match(out(), /SIGINT: sending BYE to every receiver and closing/);
        assert.doesNotMatch(out(), /ringcast run: |firmware error/);
    });

    it("ringcast status prints a running server's counters, and SIGINT says BYE to every receiver before exiting 0", async () => {
        const sd = tempDir("cli");
        dirs.push(sd);
        fs.writeFileSync(path.join(sd, "long.wav"), pcmWav(44100, 2, 20).file);
        const { tcp, udp } = await freePorts();
        const { child } = await startCli(process.execPath, ["bin/ringcast.js", "run", "--sd", sd, "--rtsp-port", String(tcp), "--udp-port", String(udp)], ROOT, /Ctrl-C stops/, children);
        const base = `rtsp://127.0.0.1:${tcp}`;
        const clients = [await RealClient.connect(tcp), await RealClient.connect(tcp)];
        try {
            for (const c of clients) {
                const s = await c.request("SETUP", `${base}/long.wav/track1`, { Transport: `RTP/AVP;unicast;client_port=${c.rtpPort}-${c.rtpPort + 1}` });
                assert.equal((await c.request("PLAY", `${base}/long.wav/`, { Session: sessionId(s) })).status, 200);
            }
            await sleep(1000);
            const status = execFileSync(process.execPath, ["bin/ringcast.js", "status", `${base}/`], { cwd: ROOT, timeout: 30_000 }).toString();
            assert.match(status, /^server$/m);
            assert.match(status, /^ {2}sessions +2\/\d+$/m);
            assert.equal((status.match(/^stream\.\d+$/gm) ?? []).length, 2, status);
            assert.equal((status.match(/^ {2}state +playing$/gm) ?? []).length, 2, status);
            assert.ok(clients.every(c => !c.rtcpTypes.includes(203)), "no BYE while playing");
            process.kill(-child.pid!, "SIGINT");
            assert.equal(await exited(child, 10_000), 0);
            await sleep(200);
            clients.forEach((c, i) => assert.ok(c.rtcpTypes.includes(203), `client ${i} got an RTCP BYE at shutdown (got types ${c.rtcpTypes.join(",")})`));
            await assert.rejects(RealClient.connect(tcp), /ECONNREFUSED/, "the RTSP port is closed");
        } finally {
            for (const c of clients) c.close();
        }
    });
});
