// GET_PARAMETER "status" reports the live per-stream counters and sessions, with or without a session of one's own.
import { strict as assert } from "assert";
import { eachLuaVersion } from "./support/firmware";
import { PORT, sessionId, SimRtspClient, startFake, withBoard } from "./rtsp-support";

const U = `rtsp://127.0.0.1:${PORT}`;

/** "name: key=value key=value" lines into a map of maps. */
function parseStatus(body: string): Map<string, Record<string, string>> {
    const out = new Map<string, Record<string, string>>();
    for (const line of body.split("\r\n").filter(Boolean)) {
        const i = line.indexOf(": ");
        const fields: Record<string, string> = {};
        for (const kv of line.slice(i + 2).split(" ")) {
            const eq = kv.indexOf("=");
            if (eq > 0) fields[kv.slice(0, eq)] = kv.slice(eq + 1);
        }
        out.set(line.slice(0, i), fields);
    }
    return out;
}

eachLuaVersion("RTSP status", version => {
    it("reports each stream's counters as the core holds them, and each session's transport", () => {
        const { board, network } = startFake(version);
        withBoard(board, () => {
            const a = new SimRtspClient(board, network, PORT);
            const udp = a.request("SETUP", `${U}/tone.wav/track1`, { Transport: "RTP/AVP;unicast;client_port=5000-5001" });
            a.request("PLAY", `${U}/tone.wav/`, { Session: sessionId(udp) });
            const b = new SimRtspClient(board, network, PORT);
            const tcp = b.request("SETUP", `${U}/dir/b.wav/track1`, { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1" });
            b.request("PLAY", `${U}/dir/b.wav/`, { Session: sessionId(tcp) });
            a.run(700_000);
            b.request("PAUSE", `${U}/dir/b.wav/`, { Session: sessionId(tcp) });
            a.run(300_000);

            const watcher = new SimRtspClient(board, network, PORT);
            const r = watcher.request("GET_PARAMETER", `${U}/`, { "Content-Type": "text/parameters" }, "status\r\n");
            assert.equal(r.status, 200);
            assert.equal(r.headers["content-type"], "text/parameters");
            const core = board.evaluate<Array<{ id: number; path: string; packetsSent: number; octetsSent: number; state: string }>>("rt.control.table");
            const status = parseStatus(r.body);
            assert.equal(status.get("server")!.sessions, "2/8");
            assert.equal(status.get("server")!.connections, "3/10");
            for (const s of core) {
                const line = status.get(`stream.${s.id}`);
                assert.ok(line, `a line for stream ${s.id}: ${r.body}`);
                assert.equal(line.path, s.path);
                assert.equal(line.state, s.state);
                assert.equal(Number(line.packets), s.packetsSent);
                assert.equal(Number(line.bytes), s.octetsSent);
            }
            assert.deepEqual(core.map(s => s.state).sort(), ["paused", "playing"]);
            const u = status.get(`session.${sessionId(udp)}`)!;
            assert.deepEqual([u.transport, u.dest, u.playing], ["udp", "127.0.0.1:5000", "yes"]);
            const t = status.get(`session.${sessionId(tcp)}`)!;
            assert.deepEqual([t.transport, t.dest, t.playing, t.queue_drops], ["tcp", "interleaved:0-1", "no", "0"]);

            const keepalive = a.request("GET_PARAMETER", `${U}/tone.wav/`, { Session: sessionId(udp) });
            assert.equal(keepalive.status, 200);
            assert.equal(keepalive.body, "", "an empty GET_PARAMETER is only a keepalive");
        });
    });
});
