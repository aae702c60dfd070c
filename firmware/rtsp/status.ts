// The status report (GET_PARAMETER "status", `ringcast status`): per-stream counters read from the tables, no side effects.
import { StreamView } from "../stream/control";
import { Session } from "./sessions";
import { int, seconds } from "./text";

/** Counters the streaming core may keep beyond StreamView; read when present. */
interface StreamExtras {
    underruns?: number;
    lateness?: { count: number; maxUs: number; percentileUs(fraction: number): number };
    ring?: { size: number; fullCount: number };
}

export interface StatusSource {
    nowUs: number;
    sessions: Session[];
    maxSessions: number;
    connections: number;
    maxConnections: number;
    mediaDrops: number;
    streams: StreamView[];
    channelLines: string[];
    heapKb: number;
}

function streamLine(s: StreamView): string {
    const x = s as StreamView & StreamExtras;
    const parts = [
        `stream.${int(s.id)}: path=${s.path} state=${s.state} encoding=${s.media.encoding}/${int(s.media.clockRate)}`,
        `packets=${int(s.packetsSent)} bytes=${int(s.octetsSent)} dropped=${int(s.dropped)} send_errors=${int(s.sendErrors)}`,
    ];
    if (x.underruns !== undefined) parts.push(`underruns=${int(x.underruns)}`);
    const late = x.lateness;
    if (late !== undefined && typeof late === "object") {
        parts.push(`late_p50_us=${int(late.percentileUs(0.5))} late_p99_us=${int(late.percentileUs(0.99))} late_max_us=${int(late.maxUs)}`);
    }
    const ring = x.ring;
    if (ring !== undefined && typeof ring === "object" && ring.size > 0) parts.push(`buffer_fill=${int(ring.fullCount)}/${int(ring.size)}`);
    return table.concat(parts, " ");
}

function sessionLine(s: Session, nowUs: number): string {
    const what = s.stream !== undefined ? `stream=${int(s.stream.id)}` : `channel=${s.channel ?? ""}`;
    const drops = s.connection !== undefined ? ` queue_drops=${int(s.connection.mediaDrops)}` : "";
    return `session.${s.id}: path=${s.path} ${what} transport=${s.transport} dest=${s.destination} playing=${s.playing ? "yes" : "no"} idle_s=${seconds(nowUs - s.lastSeenUs)}${drops}`;
}

/** "name: value" lines (text/parameters, RFC 2326 §10.8). */
export function renderStatus(src: StatusSource): string {
    const lines = [
        `server: uptime_s=${seconds(src.nowUs)} sessions=${int(src.sessions.length)}/${int(src.maxSessions)} connections=${int(src.connections)}/${int(src.maxConnections)} interleaved_drops=${int(src.mediaDrops)} heap_kb=${int(src.heapKb)}`,
    ];
    for (const s of src.streams) lines.push(streamLine(s));
    for (const s of src.sessions) lines.push(sessionLine(s, src.nowUs));
    for (const c of src.channelLines) lines.push(c);
    lines.push("");
    return table.concat(lines, "\r\n");
}
