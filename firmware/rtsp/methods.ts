// RTSP method handlers other than SETUP: OPTIONS, DESCRIBE, PLAY, PAUSE, TEARDOWN, GET_PARAMETER; 501 for the rest.
import { RtspConnection } from "./connection";
import { reply, RtspContext, sessionHeader } from "./context";
import { describeSdp } from "./describe";
import { RtspRequest } from "./message";
import { parseNptStart } from "./range";
import { PUBLIC_METHODS, Response } from "./response";
import { Session } from "./sessions";
import { handleSetup } from "./setup";
import { has, int, seconds } from "./text";
import { parseTarget } from "./url";

/** The session a request names, renewed; or the status to answer with (454 when it names none or an unknown one). */
function sessionOf(ctx: RtspContext, request: RtspRequest): LuaMultiReturn<[Session, undefined] | [undefined, number]> {
    const header = request.headers.get("session");
    if (header === undefined) return $multi(undefined, 454);
    const [id] = string.match(header, "^%s*([^;%s]+)");
    const session = id !== undefined ? ctx.sessions.get(id) : undefined;
    if (session === undefined) return $multi(undefined, 454);
    session.lastSeenUs = ctx.hal.clock.nowUs();
    return $multi(session, undefined);
}

function describe(ctx: RtspContext, connection: RtspConnection, request: RtspRequest, done: () => void): void {
    const target = parseTarget(request.url);
    const answer = (code: number, sdp?: string): void => {
        const r = new Response(code, request.cseq);
        if (sdp !== undefined) {
            // Clients resolve a=control against Content-Base, so it ends with "/" and names the resource as they did.
            const [trimmed] = string.gsub(request.url, "/+$", "");
            r.header("Content-Base", `${trimmed}/`).withBody("application/sdp", sdp);
        }
        reply(connection, r);
        done();
    };
    if (target.kind === "bad") return answer(400);
    if (target.kind === "server") return answer(404);
    if (target.kind === "channel") {
        const channel = ctx.channels?.get(target.name);
        const stream = channel?.stream;
        if (channel === undefined || stream === undefined) return answer(404);
        return answer(200, describeSdp(ctx.hal, stream.media, channel.name, true));
    }
    ctx.control.describe(target.path, (media, refusal) => {
        if (media === undefined) return answer(refusal !== undefined ? refusal.code : 500);
        answer(200, describeSdp(ctx.hal, media, target.path, false));
    });
}

function play(ctx: RtspContext, request: RtspRequest): Response {
    const [session, code] = sessionOf(ctx, request);
    if (session === undefined) return new Response(code!, request.cseq);
    const range = request.headers.get("range");
    const from = range !== undefined ? parseNptStart(range) : undefined;
    if (from === false) return new Response(457, request.cseq);
    const r = new Response(200, request.cseq).header("Session", sessionHeader(ctx, session));
    if (session.channel !== undefined) {
        // A channel is live: joining it starts wherever it is; there is nothing to seek.
        const channel = ctx.channels?.get(session.channel);
        if (channel !== undefined && session.sink !== undefined) channel.sink.add(session.sink);
        session.playing = true;
        return r.header("Range", "npt=now-");
    }
    const stream = session.stream!;
    if (stream.state === "ended" || stream.state === "closed") return new Response(455, request.cseq);
    const duration = stream.media.durationUs;
    if (from !== undefined && from > duration) return new Response(457, request.cseq);
    // A stream that never played is at 0 already: "npt=0-" (what ffmpeg sends) needs no seek and no reread.
    const seekTo = from === 0 && !session.started ? undefined : from;
    const info = ctx.control.play(stream, seekTo);
    session.playing = true;
    session.started = true;
    return r
        .header("Range", `npt=${seconds(info.startUs)}-${seconds(duration)}`)
        .header("RTP-Info", `url=${session.url};seq=${int(info.seq)};rtptime=${int(info.rtptime)}`);
}

function pause(ctx: RtspContext, request: RtspRequest): Response {
    const [session, code] = sessionOf(ctx, request);
    if (session === undefined) return new Response(code!, request.cseq);
    if (session.channel !== undefined) {
        const channel = ctx.channels?.get(session.channel);
        if (channel !== undefined && session.sink !== undefined) channel.sink.remove(session.sink);
    } else if (session.stream !== undefined) {
        ctx.control.pause(session.stream);
    }
    session.playing = false;
    return new Response(200, request.cseq).header("Session", sessionHeader(ctx, session));
}

function teardown(ctx: RtspContext, request: RtspRequest): Response {
    const [session, code] = sessionOf(ctx, request);
    if (session === undefined) return new Response(code!, request.cseq);
    ctx.endSession(session);
    return new Response(200, request.cseq);
}

function getParameter(ctx: RtspContext, request: RtspRequest): Response {
    let session: Session | undefined;
    if (request.headers.get("session") !== undefined) {
        const [s, code] = sessionOf(ctx, request);
        if (s === undefined) return new Response(code!, request.cseq);
        session = s;
    }
    const r = new Response(200, request.cseq);
    if (session !== undefined) r.header("Session", sessionHeader(ctx, session));
    // An empty GET_PARAMETER is a keepalive; one that asks for "status" gets the counters.
    if (has(string.lower(request.body), "status", true)) r.withBody("text/parameters", ctx.status());
    return r;
}

/** Answers one request; done() runs once the answer is queued (possibly later, for DESCRIBE and SETUP). */
export function handleRequest(ctx: RtspContext, connection: RtspConnection, request: RtspRequest, done: () => void): void {
    const m = request.method;
    if (m === "DESCRIBE") return describe(ctx, connection, request, done);
    if (m === "SETUP") return handleSetup(ctx, connection, request, parseTarget(request.url), done);
    let response: Response;
    if (m === "OPTIONS") {
        response = new Response(200, request.cseq).header("Public", PUBLIC_METHODS);
        if (request.headers.get("session") !== undefined) sessionOf(ctx, request);
    } else if (m === "PLAY") {
        // Media frames the core sends while PLAY runs must follow the answer on an interleaved connection.
        const slot = connection.reserve();
        response = play(ctx, request);
        connection.fill(slot, response.text());
        return done();
    } else if (m === "PAUSE") response = pause(ctx, request);
    else if (m === "TEARDOWN") response = teardown(ctx, request);
    else if (m === "GET_PARAMETER") response = getParameter(ctx, request);
    else response = new Response(501, request.cseq).header("Public", PUBLIC_METHODS);
    reply(connection, response);
    done();
}
