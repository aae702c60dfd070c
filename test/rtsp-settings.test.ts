// The control plane takes its options from an optional `settings` module, bounded by the board's budget.
import { strict as assert } from "assert";
import { SimNetwork } from "../tools/harness/network";
import { eachLuaVersion, testBoard } from "./support/firmware";
import { SimRtspClient, withBoard } from "./rtsp-support";

eachLuaVersion("RTSP settings", version => {
    it("uses the board's budget and standard ports without settings", () => {
        const board = testBoard(version);
        withBoard(board, () => {
            const o = board.evaluate<Record<string, number>>(`(function()
                local start = require("firmware.rtsp.start")
                local b = require("board").board
                return start.rtspOptions(b, start.loadSettings())
            end)()`);
            const budget = board.evaluate<{ maxStreams: number }>(`require("board").board.budget`);
            assert.equal(o.port, 8554);
            assert.equal(o.maxSessions, budget.maxStreams);
            assert.equal(o.maxConnections, budget.maxStreams + 2);
            assert.equal(o.udpPortBase, 6970);
        });
    });

    it("starts the server where a settings module says, with its channels", () => {
        const network = new SimNetwork();
        const board = testBoard(version, { network, files: new Map([["a.wav", Buffer.alloc(4000)]]) });
        withBoard(board, () => {
            board.vm.defineModule("settings", `return {
                rtsp = { port = 9554, udpPortBase = 7000, maxSessions = 3, sessionTimeoutS = 30 },
                channels = { channels = { { name = "c1", files = { "a.wav" }, group = "239.9.9.9", port = 6000 } }, sap = { enabled = false } },
            }`);
            board.exec(`
                local made = require("test.fixtures.rtsp-fake").makeControl({ capacity = 4, answerDelayUs = 0, packetsPerFile = 1000000 })
                srv = require("firmware.rtsp.start").startControlPlane(made.hal, require("board").board, made.control)`);
            const c = new SimRtspClient(board, network, 9554);
            const r = c.request("SETUP", "rtsp://127.0.0.1:9554/a.wav/track1", { Transport: "RTP/AVP;unicast;client_port=5000-5001" });
            assert.equal(r.status, 200);
            assert.match(r.headers.session, /;timeout=30$/);
            assert.match(r.headers.transport, /server_port=7000-7001/);
            c.run(100_000);
            assert.ok(network.departures.some(d => d.address === "239.9.9.9" && d.port === 6000), "the channel plays into its group");
            assert.ok(!network.departures.some(d => d.port === 9875), "SAP disabled by the settings");
        });
    });
});
