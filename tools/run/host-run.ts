// startHostRun: the host board's firmware bundle in the harness, in real time, on real sockets, with a folder as its card.
import * as dgram from "dgram";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { buildFirmware, ROOT, toLuaLiteral } from "../build";
import { loadBoard } from "../boards";
import { HostBoard } from "../harness/host-board";
import { RealNetwork } from "../harness/network";
import { collectGarbageNow } from "../harness/real-time";
import { CardFiles, StorageModel } from "../harness/storage";
import { readConfig, RunConfig } from "./config";
import { playableFiles, writeSample } from "./media";

export const DEFAULT_SD = path.join(ROOT, "media");

export interface HostRunOptions {
    /** Folder playing the SD card (default media/ in the repository, given a sample if it has nothing playable). */
    sd?: string;
    rtspPort?: number;
    /** Address to listen on (default 127.0.0.1: nothing is exposed unless asked). */
    bind?: string;
    /** Even UDP port of the server's RTP socket (RTCP on the next). */
    udpPortBase?: number;
    /** A config file (or the parsed config) with multicast channels. */
    config?: string | RunConfig;
    board?: string;
    /** Stall every storage read that starts in the first `ms` of each second until that window ends. */
    injectStallsMs?: number;
    sessionTimeoutS?: number;
    /** Where the bundle is built (default dist/<board>). */
    buildDir?: string;
    log?: (line: string) => void;
}

export interface HostRun {
    urls: string[];
    channelUrls: string[];
    rtspPort: number;
    udpPortBase: number;
    /** Host part of the URLs (the bind address, or a LAN address when bound to all interfaces). */
    host: string;
    board: HostBoard;
    /** Sends every receiver its RTCP BYE, closes the sockets, stops the board. */
    stop(): Promise<void>;
}

/** Fails with a one-line message when a port is taken: the harness's listeners report bind errors nowhere. */
async function checkFree(kind: "tcp" | "udp", port: number, address: string): Promise<void> {
    const taken = (e: Error): Error => new Error(`${kind.toUpperCase()} port ${port} on ${address} is not available (${(e as NodeJS.ErrnoException).code ?? e.message})`);
    if (kind === "tcp") {
        await new Promise<void>((resolve, reject) => {
            const s = net.createServer();
            s.once("error", e => reject(taken(e)));
            s.listen(port, address, () => s.close(() => resolve()));
        });
        return;
    }
    await new Promise<void>((resolve, reject) => {
        const s = dgram.createSocket("udp4");
        s.once("error", e => {
            s.close();
            reject(taken(e));
        });
        s.bind(port, address, () => s.close(() => resolve()));
    });
}

function urlHost(bind: string): string {
    if (bind !== "0.0.0.0") return bind;
    for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) if (i.family === "IPv4" && !i.internal) return i.address;
    return "127.0.0.1";
}

function url(host: string, port: number, file: string): string {
    return `rtsp://${host}:${port}/${file.split("/").map(encodeURIComponent).join("/")}`;
}

/** Resolves once something accepts TCP connections on the port (the firmware's listener is up). */
async function waitListening(port: number, address: string, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
        const ok = await new Promise<boolean>(resolve => {
            const s = net.connect(port, address === "0.0.0.0" ? "127.0.0.1" : address);
            s.once("connect", () => (s.destroy(), resolve(true)));
            s.once("error", () => resolve(false));
        });
        if (ok) return;
        if (Date.now() > until) throw new Error(`the firmware did not open RTSP port ${port} within ${timeoutMs} ms`);
        await new Promise(r => setTimeout(r, 25));
    }
}

/**
 * The card of a host run: a laptop's files answer asynchronously; with stalls, the card is busy for the first `stallMs` of
 * every second, so a read starting then completes when that window ends.
 */
export function runStorage(stallMs: number): StorageModel {
    const windowUs = stallMs * 1000;
    return {
        mode: "async",
        bytesPerSecond: 0,
        overheadUs: 0,
        stallUs: stallMs > 0 ? t => (t % 1e6 < windowUs ? windowUs - (t % 1e6) : 0) : undefined,
    };
}

export async function startHostRun(options: HostRunOptions = {}): Promise<HostRun> {
    const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
    const sd = path.resolve(options.sd ?? DEFAULT_SD);
    if (playableFiles(sd).length === 0) {
        if (options.sd !== undefined && path.resolve(options.sd) !== DEFAULT_SD) throw new Error(`no playable files (.wav, .au, .mp3) in ${sd}`);
        log(`${path.relative(process.cwd(), sd) || sd} has no audio yet: writing a sample (${writeSample(sd).join(", ")})`);
    }
    const files = playableFiles(sd);
    const config = typeof options.config === "string" ? readConfig(options.config, files) : options.config;
    const boardDef = loadBoard(options.board ?? "host");
    if (boardDef.platform !== "host") throw new Error(`board ${boardDef.id} is a NodeMCU board: run needs a host board (flash the others)`);
    const bind = options.bind ?? "127.0.0.1";
    const rtspPort = options.rtspPort ?? 8554;
    const udpPortBase = options.udpPortBase ?? 6970;
    if (udpPortBase % 2 !== 0) throw new Error(`the RTP port must be even (got ${udpPortBase})`);
    await checkFree("tcp", rtspPort, bind);
    await checkFree("udp", udpPortBase, bind);
    await checkFree("udp", udpPortBase + 1, bind);

    const build = buildFirmware({ board: boardDef, outDir: options.buildDir });
    const storage = runStorage(options.injectStallsMs ?? 0);
    const host = urlHost(bind);
    const network = new RealNetwork();
    const board = new HostBoard({
        buildDir: build.outDir, luaVersion: build.luaVersion, clock: "real", network, card: new CardFiles(sd), storage,
        localAddress: host, log, sendsAhead: (boardDef.timing.sendLeadUs ?? 0) > 0,
    });
    const settings = {
        rtsp: { port: rtspPort, address: bind, udpPortBase, sessionTimeoutS: options.sessionTimeoutS },
        channels: config && config.channels.length > 0 ? config : undefined,
    };
    board.vm.defineModule("settings", `-- Run settings from the ringcast CLI.\nreturn ${toLuaLiteral(settings)}\n`);
    board.exec(`__rc_firmware = require("ringcast").firmware`);
    const running = board.world.runRealTime();
    try {
        await waitListening(rtspPort, bind, 5000);
        // Packets sent ahead wait in the departure thread: ready before the URLs are handed out.
        await network.ready();
        // The build's garbage goes now rather than in a full collection while streams play.
        collectGarbageNow();
    } catch (e) {
        board.close();
        await running;
        throw e;
    }
    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> =>
        (stopped ??= (async () => {
            board.exec(`__rc_firmware:stop()`);
            // Let the BYEs and the last interleaved writes leave before the sockets close.
            await new Promise(r => setTimeout(r, 150));
            board.close();
            await running;
        })());
    return {
        urls: files.map(f => url(host, rtspPort, f)),
        channelUrls: (config?.channels ?? []).map(c => url(host, rtspPort, `channel/${c.name}`)),
        rtspPort, udpPortBase, host, board, stop,
    };
}
