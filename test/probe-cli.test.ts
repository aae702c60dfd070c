// `ringcast probe`: JSON and text reports, one-line errors with exit code 1, option checks, TTY-only progress.

import { strict as assert } from "node:assert";
import { Command } from "commander";
import { probeCommand, type CliIo } from "../tools/probe/cli";
import { FakeRtspServer, sdpFor } from "./probe-fake-rtsp-server";
import { closedTcpPort, rtpPacket } from "./probe-support";

interface Captured {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function run(args: string[], stderrIsTTY = false): Promise<Captured> {
  const c: Captured = { stdout: "", stderr: "", exitCode: 0 };
  const io: CliIo = {
    stdout: (t) => void (c.stdout += t),
    stderr: (t) => void (c.stderr += t),
    stderrIsTTY,
    setExitCode: (code) => void (c.exitCode = code),
  };
  const program = new Command("ringcast").exitOverride();
  probeCommand(program, io)
    .exitOverride()
    .configureOutput({ writeErr: (t) => void (c.stderr += t), writeOut: (t) => void (c.stdout += t) });
  await program.parseAsync(["probe", ...args], { from: "user" });
  return c;
}

function packets(n: number): Buffer[] {
  return [...Array(n).keys()].map((i) =>
    rtpPacket({ payloadType: 8, sequenceNumber: 10 + i, timestamp: 160 * i, ssrc: 0x1234, payload: Buffer.alloc(160, 0xd5) }),
  );
}

describe("probe: command line", () => {
  let server: FakeRtspServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it("--json prints the whole result as JSON on stdout, nothing on a non-TTY stderr", async () => {
    server = await new FakeRtspServer({ sdp: sdpFor("PCMA", 8, 8000), packets: packets(12) }).start();
    const c = await run([server.url, "--json", "--packets", "12", "--tcp", "--timeout", "5"]);
    assert.equal(c.exitCode, 0);
    assert.equal(c.stderr, "");
    const r = JSON.parse(c.stdout);
    assert.equal(r.stopReason, "packets");
    assert.equal(r.rtsp.transport, "tcp");
    assert.equal(r.streams[0].ssrc, 0x1234);
    assert.equal(r.streams[0].received, 12);
    assert.equal(r.streams[0].encoding, "PCMA");
    assert.equal(typeof r.streams[0].jitter.lastUs, "number");
    assert.equal(typeof r.streams[0].deviationUs.p999, "number");
  });

  it("prints a text report by default", async () => {
    server = await new FakeRtspServer({ sdp: sdpFor("PCMA", 8, 8000), packets: packets(5) }).start();
    const c = await run([server.url, "--packets", "5", "--timeout", "5"]);
    assert.equal(c.exitCode, 0);
    assert.match(c.stdout, /stopped by packets \(5 packets\)/);
    assert.match(c.stdout, /stream SSRC 0x00001234 {2}PT 8 PCMA\/8000/);
    assert.match(c.stdout, /expected 5 {2}received 5 {2}lost 0 \(0\.00%\)/);
    assert.match(c.stdout, /jitter \(RFC 3550 A\.8\)/);
    assert.match(c.stdout, /lateness vs media clock: max .* p99\.9/);
  });

  it("shows a live progress line on a TTY stderr and clears it at the end", async () => {
    server = await new FakeRtspServer({ sdp: sdpFor("PCMA", 8, 8000), packets: packets(40), intervalMs: 20 }).start();
    const c = await run([server.url, "--duration", "0.7", "--timeout", "5"], true);
    assert.equal(c.exitCode, 0);
    assert.match(c.stderr, /\r\x1b\[K\d+\.\d s {2}\d+ pkts {2}lost \d+ {2}jitter /);
    assert.ok(c.stderr.endsWith("\r\x1b[K"), "cleared");
    assert.match(c.stdout, /stopped by duration/);
  });

  it("connection refused: one line on stderr, exit code 1, nothing on stdout", async () => {
    const port = await closedTcpPort();
    const c = await run([`rtsp://127.0.0.1:${port}/live`, "--timeout", "2"]);
    assert.equal(c.exitCode, 1);
    assert.equal(c.stdout, "");
    assert.equal(c.stderr, `ringcast probe: connection refused: 127.0.0.1:${port}\n`);
  });

  it("rejects non-positive numbers for --packets, --duration and --timeout", async () => {
    for (const bad of [
      ["--packets", "0"],
      ["--packets", "2.5"],
      ["--duration", "-1"],
      ["--timeout", "soon"],
    ]) {
      await assert.rejects(run(["rtp://127.0.0.1:5004", ...bad]), (err: Error & { code?: string }) => {
        assert.equal(err.code, "commander.invalidArgument", bad.join(" "));
        return true;
      });
    }
  });
});
