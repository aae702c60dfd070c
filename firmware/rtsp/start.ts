// Starts the control plane from the board's budget and an optional `settings` Lua module (host: the CLI; board: settings.lua).
import type { Board } from "../../boards/board";
import { Hal } from "../../hal/interfaces";
import type { ChannelsConfig } from "../channels/channels";
import { StreamControl } from "../stream/control";
import { RtspServerOptions } from "./context";
import { RtspServer, startRtspServer } from "./server";

/** What a `settings` module may return; every field is optional. */
export interface Settings {
    rtsp?: Partial<RtspServerOptions>;
    channels?: ChannelsConfig;
}

/** The `settings` module if one is installed (the host run defines it; on a board it is settings.lua), else nothing. */
export function loadSettings(): Settings {
    const [ok, value] = pcall(require, "settings");
    if (!ok || type(value) !== "table") return {};
    return value as Settings;
}

/** Server options: the settings win, the board's budget bounds the rest (streams at once, standard ports on a board). */
export function rtspOptions(board: Board, settings: Settings): RtspServerOptions {
    const s = settings.rtsp ?? {};
    const maxSessions = s.maxSessions ?? board.budget.maxStreams;
    // A laptop's TCP stack takes large writes and the harness reports "sent" late under load: queue and write more there.
    const host = board.platform === "host";
    return {
        interleavedQueue: host ? 64 : 16,
        writeChunkBytes: host ? 65536 : undefined,
        ...s,
        port: s.port ?? (board.platform === "host" ? 8554 : 554),
        maxSessions,
        maxConnections: s.maxConnections ?? maxSessions + 2,
        udpPortBase: s.udpPortBase ?? 6970,
        channels: settings.channels ?? s.channels,
    };
}

/** What boot() calls: the RTSP server (and channels) over the streaming core, configured from settings. */
export function startControlPlane(hal: Hal, board: Board, control: StreamControl): RtspServer {
    const options = rtspOptions(board, loadSettings());
    const server = startRtspServer(hal, control, options);
    hal.log(`rtsp: listening on port ${server.port}, RTP/RTCP on ${server.udpPort}-${server.udpPort + 1}, up to ${options.maxSessions} sessions`);
    return server;
}
