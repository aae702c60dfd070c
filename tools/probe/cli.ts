// The `ringcast probe <url>` command: options, progress line, text or JSON report, exit codes.

import { InvalidArgumentError, type Command } from "commander";
import { describeError } from "./errors";
import { probe, type ProbeOptions } from "./probe";
import { formatProgress, formatResult } from "./report";

/** Where the command writes; replaceable so it can be exercised in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stderrIsTTY: boolean;
  setExitCode: (code: number) => void;
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  get stderrIsTTY() {
    return Boolean(process.stderr.isTTY);
  },
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

function positive(what: string, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`${what} must be a positive ${integer ? "integer" : "number"}`);
    }
    return n;
  };
}

interface CommandOptions {
  tcp?: boolean;
  duration?: number;
  packets?: number;
  wav?: string;
  json?: boolean;
  timeout: number;
  iface?: string;
}

/** Registers `probe <url>` on the program. */
export function probeCommand(program: Command, io: CliIo = processIo): Command {
  return program
    .command("probe")
    .description(
      "receive an RTP stream (rtsp://host:port/path, an .sdp file, or rtp://group:port) and measure it: " +
        "loss, duplicates, reordering, RFC 3550 jitter, lateness against the media clock, RTCP",
    )
    .argument("<url>", "rtsp://host[:port]/path, path/to/stream.sdp, or rtp://[@]address:port (static payload types)")
    .option("--tcp", "RTSP: receive RTP interleaved on the RTSP connection instead of UDP")
    .option("--duration <s>", "stop after this many seconds", positive("--duration", false))
    .option("--packets <n>", "stop after this many RTP packets", positive("--packets", true))
    .option(
      "--wav <out.wav>",
      "write the received audio: L16/L24/L8 as PCM WAV, PCMU/PCMA as G.711 WAV (format 7/6, not decoded), " +
        "MPA as raw MPEG frames (.mp3 instead of .wav)",
    )
    .option("--json", "print the result as JSON on stdout")
    .option("--timeout <s>", "bound on every wait: connect, RTSP answers, first packet, silence", positive("--timeout", false), 10)
    .option("--iface <address>", "local interface address for multicast joins")
    .action(async (url: string, opts: CommandOptions) => {
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once("SIGINT", onSigint);
      const live = io.stderrIsTTY;
      let shown = false;
      const options: ProbeOptions = {
        tcp: opts.tcp,
        durationS: opts.duration,
        packets: opts.packets,
        wav: opts.wav,
        timeoutS: opts.timeout,
        iface: opts.iface,
        signal: controller.signal,
        ...(live
          ? {
              onProgress: (p) => {
                shown = true;
                io.stderr(`\r\x1b[K${formatProgress(p)}`);
              },
            }
          : {}),
      };
      try {
        const result = await probe(url, options);
        if (shown) io.stderr("\r\x1b[K");
        io.stdout(opts.json ? JSON.stringify(result, null, 2) + "\n" : formatResult(result));
      } catch (err) {
        if (shown) io.stderr("\r\x1b[K");
        io.stderr(`ringcast probe: ${describeError(err)}\n`);
        io.setExitCode(1);
      } finally {
        process.removeListener("SIGINT", onSigint);
      }
    });
}
