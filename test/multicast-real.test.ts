// On real sockets (loopback): `ringcast run --config` announces its channel with SAP, and the announced group carries RTP.
import { strict as assert } from "assert";
import * as dgram from "dgram";
import * as fs from "fs";
import * as path from "path";
import { HostRun } from "../tools/run/host-run";
import { pcmWav } from "../tools/run/media";
import { parseRtp, RtpPacket, startRun, tempDir } from "./rtsp-real";

/** Joins a group on the loopback interface and collects what arrives. */
function listen(group: string, port: number): Promise<{ socket: dgram.Socket; got: Buffer[] }> {
    return new Promise((resolve, reject) => {
        const socket = dgram.createSocket({ type: "udp4", reuseAddr: true });
        const got: Buffer[] = [];
        socket.on("message", m => got.push(m));
        socket.once("error", reject);
        socket.bind(port, () => {
            socket.addMembership(group, "127.0.0.1");
            resolve({ socket, got });
        });
    });
}

async function until<T>(what: string, f: () => T | undefined, timeoutMs: number): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
        const v = f();
        if (v !== undefined) return v;
        if (Date.now() > end) throw new Error(`${what}: nothing within ${timeoutMs} ms`);
        await new Promise(r => setTimeout(r, 20));
    }
}

describe("multicast channel on real sockets", function () {
    this.timeout(120_000);
    let run: HostRun | undefined;
    const dirs: string[] = [];
    const sockets: dgram.Socket[] = [];

    after(async () => {
        for (const s of sockets) s.close();
        await run?.stop();
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it("announces the channel on 224.2.127.254:9875 and sends its RTP to the group the SDP names", async () => {
        const sd = tempDir("mcast");
        dirs.push(sd);
        fs.writeFileSync(path.join(sd, "a.wav"), pcmWav(44100, 2, 5).file);
        const group = `239.255.${10 + Math.floor(Math.random() * 200)}.${1 + Math.floor(Math.random() * 250)}`;
        const port = 40000 + 2 * Math.floor(Math.random() * 5000);
        const sap = await listen("224.2.127.254", 9875);
        const media = await listen(group, port);
        sockets.push(sap.socket, media.socket);
        const started = await startRun(sd, { config: { channels: [{ name: "lobby", files: ["a.wav"], group, port, ttl: 1 }], sap: { intervalS: 2 } } });
        run = started.run;
        dirs.push(started.buildDir);
        assert.deepEqual(run.channelUrls, [`rtsp://127.0.0.1:${run.rtspPort}/channel/lobby`]);

        // Other runs may announce on the same global group: take ours by its session name and group.
        const announcement = await until(
            "SAP announcement",
            () => sap.got.map(b => b.subarray(b.indexOf(0, 8) + 1).toString("latin1")).find(sdp => sdp.includes("s=lobby") && sdp.includes(`c=IN IP4 ${group}/1`)),
            10_000,
        );
        const m = /^m=audio (\d+) RTP\/AVP (\d+)$/m.exec(announcement);
        assert.ok(m, announcement);
        assert.equal(Number(m[1]), port);
        const packets = await until("RTP on the group", () => (media.got.length >= 5 ? media.got.map(parseRtp) : undefined), 10_000);
        assert.ok(packets.every((p): p is RtpPacket => p !== undefined && p.payloadType === Number(m[2])), "RTP with the announced payload type");
    });
});
