// Two real clients on different files at once over real sockets; PAUSE/PLAY and a Range seek resume at the right sample.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { HostRun } from "../tools/run/host-run";
import { au16, pcmWav } from "../tools/run/media";
import { sessionId } from "./rtsp-support";
import { RealClient, RtpPacket, sleep, startRun, tempDir } from "./rtsp-real";

const RATE = 44100;

/** Network-order 16-bit samples of the source (WAV is little-endian on the card, L16 big-endian on the wire). */
function bigEndian(samples: Int16Array): Buffer {
    const b = Buffer.alloc(samples.length * 2);
    samples.forEach((s, i) => b.writeInt16BE(s, i * 2));
    return b;
}

/** Every packet must carry the source bytes at the sample its timestamp names (relative to the first PLAY's rtptime). */
function checkPayloads(packets: RtpPacket[], ts0: number, source: Buffer, frameBytes: number, label: string): void {
    assert.ok(packets.length > 0, `${label}: no packets`);
    for (const p of packets) {
        const offset = ((p.timestamp - ts0) >>> 0) * frameBytes;
        assert.ok(offset + p.payload.length <= source.length, `${label}: packet ${p.seq} beyond the end`);
        assert.ok(source.subarray(offset, offset + p.payload.length).equals(p.payload), `${label}: packet ${p.seq} (ts +${(p.timestamp - ts0) >>> 0}) does not carry the source at that sample`);
    }
}

const rtpInfo = (header: string): { seq: number; rtptime: number } => {
    const m = /seq=(\d+);rtptime=(\d+)/.exec(header);
    assert.ok(m, `RTP-Info: ${header}`);
    return { seq: Number(m[1]), rtptime: Number(m[2]) };
};

describe("two real clients, pause, resume and seek", function () {
    this.timeout(120_000);
    let run: HostRun;
    let dirs: string[] = [];
    const wav = pcmWav(RATE, 2, 3);
    const au = au16(RATE, 1, 3);

    before(async () => {
        const sd = tempDir("clients");
        fs.writeFileSync(path.join(sd, "a.wav"), wav.file);
        fs.writeFileSync(path.join(sd, "b.au"), au.file);
        const started = await startRun(sd);
        run = started.run;
        dirs = [sd, started.buildDir];
    });

    after(async () => {
        await run?.stop();
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it("streams two files at once, each packet at its sample; PAUSE stops, PLAY resumes where it stopped, Range jumps", async () => {
        const base = `rtsp://127.0.0.1:${run.rtspPort}`;
        const a = await RealClient.connect(run.rtspPort);
        const b = await RealClient.connect(run.rtspPort);
        try {
            const setup = async (c: RealClient, file: string): Promise<string> => {
                const r = await c.request("SETUP", `${base}/${file}/track1`, { Transport: `RTP/AVP;unicast;client_port=${c.rtpPort}-${c.rtpPort + 1}` });
                assert.equal(r.status, 200, `SETUP ${file}`);
                return sessionId(r);
            };
            const sa = await setup(a, "a.wav");
            const sb = await setup(b, "b.au");
            const playA = await a.request("PLAY", `${base}/a.wav/`, { Session: sa, Range: "npt=0-" });
            const playB = await b.request("PLAY", `${base}/b.au/`, { Session: sb, Range: "npt=0-" });
            const ts0A = rtpInfo(playA.headers["rtp-info"]).rtptime;
            const ts0B = rtpInfo(playB.headers["rtp-info"]).rtptime;

            await sleep(700);
            assert.equal((await b.request("PAUSE", `${base}/b.au/`, { Session: sb })).status, 200);
            await sleep(100); // packets already in flight
            const atPause = b.packets.length;
            const last = b.packets[atPause - 1];
            await sleep(500);
            assert.equal(b.packets.length, atPause, "nothing arrives while paused");
            const resume = await b.request("PLAY", `${base}/b.au/`, { Session: sb });
            assert.equal(resume.status, 200);
            const r1 = rtpInfo(resume.headers["rtp-info"]);
            assert.equal(r1.seq, (last.seq + 1) % 65536, "resumes with the next sequence number");
            assert.equal((r1.rtptime - ts0B) >>> 0, ((last.timestamp - ts0B) >>> 0) + last.payload.length / 2, "resumes at the sample after the last one sent");
            await sleep(400);
            const seek = await b.request("PLAY", `${base}/b.au/`, { Session: sb, Range: "npt=2.0-" });
            assert.equal(seek.status, 200);
            const r2 = rtpInfo(seek.headers["rtp-info"]);
            const target = (r2.rtptime - ts0B) >>> 0;
            const rangeStart = Number(/^npt=([\d.]+)-/.exec(seek.headers.range)![1]);
            assert.ok(target <= 2 * RATE && target > 2 * RATE - RATE / 10, `seek lands at or just before 2.0 s (sample ${target})`);
            assert.ok(Math.abs(rangeStart - target / RATE) < 0.001, `Range ${seek.headers.range} names the sample RTP-Info gives`);
            await sleep(1500);

            const afterSeek = b.packets.filter(p => ((p.timestamp - ts0B) >>> 0) >= target);
            assert.ok(afterSeek.length > 0, "packets after the seek");
            assert.equal(afterSeek[0].seq, r2.seq, "the first packet after the seek is the one RTP-Info named");
            assert.equal(afterSeek[0].timestamp, r2.rtptime);
            checkPayloads(b.packets, ts0B, au.file.subarray(24), 2, "b.au");
            checkPayloads(a.packets, ts0A, bigEndian(wav.samples), 4, "a.wav");
            assert.ok(a.packets.length > b.packets.length / 2, "the other client kept streaming throughout");
        } finally {
            a.close();
            b.close();
        }
    });
});
