// `ringcast run` (the firmware on this laptop, real sockets, a folder as the card) and `ringcast status` (its counters).
import { Command, InvalidArgumentError } from "commander";
import * as path from "path";
import { DEFAULT_SD, startHostRun } from "./run/host-run";
import { raiseSchedulingPriority } from "./harness/real-time";
import { fetchStatus, parseStatus } from "./run/status-client";

function port(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError("expected a port number 1-65535");
    return n;
}

function millis(value: string): number {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n >= 1000) throw new InvalidArgumentError("expected milliseconds between 0 and 1000");
    return n;
}

interface RunFlags {
    sd: string;
    rtspPort: number;
    bind: string;
    udpPort: number;
    config?: string;
    board: string;
    injectStalls?: number;
    realtime: boolean;
}

async function run(flags: RunFlags): Promise<void> {
    const out = (line: string): void => void process.stdout.write(`${line}\n`);
    const r = await startHostRun({
        sd: flags.sd, rtspPort: flags.rtspPort, bind: flags.bind, udpPortBase: flags.udpPort, config: flags.config, board: flags.board,
        injectStallsMs: flags.injectStalls, log: line => out(`board: ${line}`),
    });
    const sd = path.relative(process.cwd(), path.resolve(flags.sd)) || ".";
    // Packets leave at their media time to tens of µs: an ordinary thread is preempted for whole scheduler slices.
    const policy = flags.realtime ? raiseSchedulingPriority().policy : "normal (--no-realtime)";
    out("");
    out(`ringcast is running the ${flags.board} board's firmware on this machine; card: ${sd} (${r.urls.length} files)`);
    out(`RTSP on ${flags.bind}:${r.rtspPort}, RTP/RTCP from UDP ${r.udpPortBase}-${r.udpPortBase + 1}${flags.injectStalls ? `, storage stalls of ${flags.injectStalls} ms each second` : ""}`);
    out(`Scheduling: ${policy}`);
    for (const u of r.urls) out(`  ${u}`);
    if (r.channelUrls.length > 0) {
        out("Multicast channels (also announced with SAP; VLC lists them under Network streams (SAP)):");
        for (const u of r.channelUrls) out(`  ${u}`);
        if (flags.bind.startsWith("127.")) out("  (bound to loopback: the groups reach this machine only; --bind 0.0.0.0 sends them to the LAN)");
    }
    const first = r.urls[0] ?? r.channelUrls[0];
    if (first) {
        out("Play one:");
        out(`  ffplay -nodisp -autoexit ${first}`);
        out(`  vlc ${first}`);
        out(`  (over TCP: ffplay -rtsp_transport tcp ..., vlc --rtsp-tcp ...)`);
    }
    out(`Counters: ringcast status rtsp://${r.host}:${r.rtspPort}/`);
    out("Ctrl-C stops.");
    let stopping = false;
    const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        out(`\n${signal}: sending BYE to every receiver and closing`);
        r.stop().then(
            () => process.exit(0),
            e => {
                process.stderr.write(`ringcast run: ${(e as Error).message}\n`);
                process.exit(1);
            },
        );
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
}

async function status(url: string, flags: { json?: boolean; timeout: number }): Promise<void> {
    const body = await fetchStatus(url, flags.timeout * 1000);
    if (flags.json) {
        process.stdout.write(`${JSON.stringify(parseStatus(body), null, 2)}\n`);
        return;
    }
    for (const line of parseStatus(body)) {
        process.stdout.write(`${line.name}\n`);
        for (const [k, v] of Object.entries(line.fields)) process.stdout.write(`  ${k.padEnd(14)} ${v}\n`);
    }
}

export function runCommand(program: Command): void {
    program
        .command("run")
        .description("run the firmware on this machine (host board): stream a folder over RTSP/RTP on real sockets until Ctrl-C")
        .option("--sd <dir>", "folder that plays the SD card (a sample is written into the default one if it is empty)", path.relative(process.cwd(), DEFAULT_SD) || ".")
        .option("--rtsp-port <port>", "RTSP port", port, 8554)
        .option("--bind <address>", "address to listen on (0.0.0.0 for the LAN)", "127.0.0.1")
        .option("--udp-port <port>", "even UDP port the server sends RTP from (RTCP on the next)", port, 6970)
        .option("--config <file>", "JSON with multicast channels and SAP settings")
        .option("--board <id>", "host board to run", "host")
        .option("--inject-stalls <ms>", "stall storage for <ms> at the start of every second (for benchmarks)", millis)
        .option("--no-realtime", "keep the ordinary scheduling policy (by default the board's threads ask for SCHED_FIFO, the departure thread one above, and CPU wake latency is held at 0 µs; granted to root or CAP_SYS_NICE)")
        .action((flags: RunFlags) =>
            run(flags).catch((e: Error) => {
                process.stderr.write(`ringcast run: ${e.message}\n`);
                process.exit(1);
            }),
        );
    program
        .command("status [url]")
        .description("print a running server's per-stream counters (RTSP GET_PARAMETER status)")
        .option("--json", "print the parsed lines as JSON")
        .option("--timeout <s>", "seconds to wait for the answer", Number, 5)
        .action((url: string | undefined, flags: { json?: boolean; timeout: number }) =>
            status(url ?? "rtsp://127.0.0.1:8554/", flags).catch((e: Error) => {
                process.stderr.write(`ringcast status: ${e.message}\n`);
                process.exit(1);
            }),
        );
}
