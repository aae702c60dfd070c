// RTSP 1.0 client session: OPTIONS, DESCRIBE, SETUP (UDP or interleaved TCP), PLAY, keepalive, TEARDOWN.

import type * as dgram from "node:dgram";
import { ProbeError } from "./errors";
import type { Codec } from "./payload";
import type { Receiver } from "./receiver";
import { RtspConnection, type RtspResponse } from "./rtsp-connection";
import { parseSdp, resolveControl } from "./sdp";
import { bindMediaSocket, bindPortPair, closeAll, listen } from "./udp";

export interface RtspTrackInfo {
  control: string;
  /** Transport header as the server answered it. */
  transport: string;
  clientPorts: [number, number] | null;
  serverPorts: [number, number] | null;
  interleaved: [number, number] | null;
  multicast: { address: string; port: number } | null;
  ssrc: string | null;
}

export interface RtspSessionInfo {
  url: string;
  transport: "udp" | "tcp";
  server: string | null;
  session: string;
  /** Session timeout in seconds (Session header, else the RFC 2326 default of 60). */
  timeoutS: number;
  keepaliveMethod: "GET_PARAMETER" | "OPTIONS";
  keepalivesSent: number;
  keepalivesAnswered: number;
  publicMethods: string[];
  tracks: RtspTrackInfo[];
  rtpInfo: string | null;
  range: string | null;
  teardown: "ok" | "failed" | "not-sent";
}

export interface RtspSource {
  info: RtspSessionInfo;
  /** Ends the session: TEARDOWN (bounded wait), then closes the connection and sockets. */
  stop(): Promise<void>;
}

export interface RtspOptions {
  tcp: boolean;
  timeoutMs: number;
  /** Filled with the SDP's payload formats before any media flows. */
  codecs: Map<number, Codec>;
  receiver: Receiver;
  /** Called if the server closes the connection or the socket fails during the session. */
  onEnd: (reason: string) => void;
  onWarning: (msg: string) => void;
}

function expectOk(method: string, uri: string, r: RtspResponse): RtspResponse {
  if (r.status >= 200 && r.status < 300) return r;
  throw new ProbeError("RTSP_STATUS", `RTSP ${method} ${uri} failed: ${r.status} ${r.reason}`.trim());
}

function pair(transport: string, key: string): [number, number] | null {
  const m = new RegExp(`(?:^|;)\\s*${key}=(\\d+)(?:-(\\d+))?`, "i").exec(transport);
  if (!m) return null;
  const a = Number(m[1]);
  return [a, m[2] !== undefined ? Number(m[2]) : a + 1];
}

function param(transport: string, key: string): string | null {
  const m = new RegExp(`(?:^|;)\\s*${key}=([^;]*)`, "i").exec(transport);
  return m ? m[1].trim() : null;
}

/** Parses an rtsp:// URL into the connection target and the request URI (credentials dropped). */
export function parseRtspUrl(raw: string): { host: string; port: number; uri: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ProbeError("BAD_URL", `not a valid URL: ${raw}`);
  }
  if (u.protocol !== "rtsp:") throw new ProbeError("BAD_URL", `not an rtsp:// URL: ${raw}`);
  if (!u.hostname) throw new ProbeError("BAD_URL", `no host in ${raw}`);
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = u.port ? Number(u.port) : 554;
  u.username = "";
  u.password = "";
  return { host, port, uri: u.toString() };
}

export async function startRtsp(rawUrl: string, opts: RtspOptions): Promise<RtspSource> {
  const { host, port, uri } = parseRtspUrl(rawUrl);
  const t = opts.timeoutMs;
  const conn = await RtspConnection.connect(host, port, t);
  const sockets: dgram.Socket[] = [];
  let keepalive: NodeJS.Timeout | null = null;
  let stopping = false;
  const info: RtspSessionInfo = {
    url: uri,
    transport: opts.tcp ? "tcp" : "udp",
    server: null,
    session: "",
    timeoutS: 60,
    keepaliveMethod: "OPTIONS",
    keepalivesSent: 0,
    keepalivesAnswered: 0,
    publicMethods: [],
    tracks: [],
    rtpInfo: null,
    range: null,
    teardown: "not-sent",
  };
  const cleanup = () => {
    if (keepalive) clearInterval(keepalive);
    keepalive = null;
    conn.close();
    closeAll(sockets);
  };
  try {
    const options = await conn.request("OPTIONS", uri, {}, t);
    info.server = options.headers.get("server") ?? null;
    if (options.status >= 200 && options.status < 300) {
      info.publicMethods = (options.headers.get("public") ?? "").split(",").map((s) => s.trim().toUpperCase());
      if (info.publicMethods.includes("GET_PARAMETER")) info.keepaliveMethod = "GET_PARAMETER";
    } else {
      opts.onWarning(`OPTIONS answered ${options.status} ${options.reason}`);
    }

    const describe = expectOk("DESCRIBE", uri, await conn.request("DESCRIBE", uri, { Accept: "application/sdp" }, t));
    info.server = describe.headers.get("server") ?? info.server;
    const base = describe.headers.get("content-base") ?? describe.headers.get("content-location") ?? uri;
    let sdp;
    try {
      sdp = parseSdp(describe.body.toString("utf8"));
    } catch (err) {
      throw new ProbeError("NO_MEDIA", `DESCRIBE ${uri}: ${(err as Error).message}`);
    }
    for (const m of sdp.media) for (const [pt, c] of m.codecs) opts.codecs.set(pt, c);

    const rtpChannels = new Set<number>();
    const rtcpChannels = new Set<number>();
    conn.onInterleaved = (channel, data, arrivalNs) => {
      if (rtpChannels.has(channel)) opts.receiver.onRtpData(data, arrivalNs);
      else if (rtcpChannels.has(channel)) opts.receiver.onRtcpData(data);
    };
    const sessionHeader = (): Record<string, string> => (info.session ? { Session: info.session } : {});
    const onSocketError = (err: Error) => opts.onEnd(`UDP socket error: ${err.message}`);

    for (const [i, m] of sdp.media.entries()) {
      const control = resolveControl(base, m.control);
      let request: string;
      let pairSockets: { rtp: dgram.Socket; rtcp: dgram.Socket } | null = null;
      if (opts.tcp) {
        request = `RTP/AVP/TCP;unicast;interleaved=${2 * i}-${2 * i + 1}`;
      } else {
        pairSockets = await bindPortPair();
        sockets.push(pairSockets.rtp, pairSockets.rtcp);
        const p = pairSockets.rtp.address().port;
        request = `RTP/AVP;unicast;client_port=${p}-${p + 1}`;
      }
      const setup = expectOk("SETUP", control, await conn.request("SETUP", control, { Transport: request, ...sessionHeader() }, t));
      const sessionValue = setup.headers.get("session");
      if (!sessionValue) throw new ProbeError("RTSP_PROTOCOL", `RTSP SETUP ${control}: no Session header in the answer`);
      const [id, ...attrs] = sessionValue.split(";").map((s) => s.trim());
      info.session = id;
      for (const a of attrs) {
        const mt = /^timeout\s*=\s*(\d+)/i.exec(a);
        if (mt && Number(mt[1]) > 0) info.timeoutS = Number(mt[1]);
      }
      const transport = setup.headers.get("transport") ?? "";
      const track: RtspTrackInfo = {
        control,
        transport,
        clientPorts: pair(transport, "client_port"),
        serverPorts: pair(transport, "server_port"),
        interleaved: null,
        multicast: null,
        ssrc: param(transport, "ssrc"),
      };
      if (opts.tcp) {
        if (!/RTP\/AVP\/TCP/i.test(transport) && transport !== "") {
          throw new ProbeError("RTSP_PROTOCOL", `RTSP SETUP ${control}: asked for TCP, server answered "${transport}"`);
        }
        track.interleaved = pair(transport, "interleaved") ?? [2 * i, 2 * i + 1];
        rtpChannels.add(track.interleaved[0]);
        rtcpChannels.add(track.interleaved[1]);
      } else if (/(?:^|;)\s*multicast/i.test(transport)) {
        const dest = param(transport, "destination") ?? m.address;
        const ports = pair(transport, "port") ?? [m.port, m.port + 1];
        if (!dest) throw new ProbeError("RTSP_PROTOCOL", `RTSP SETUP ${control}: multicast answer without destination`);
        closeAll([pairSockets!.rtp, pairSockets!.rtcp]);
        const rtp = await bindMediaSocket(dest, ports[0]);
        sockets.push(rtp);
        listen(rtp, (msg, at) => opts.receiver.onRtpData(msg, at), onSocketError);
        const rtcp = await bindMediaSocket(dest, ports[1]).catch(() => null);
        if (rtcp) {
          sockets.push(rtcp);
          listen(rtcp, (msg) => opts.receiver.onRtcpData(msg), onSocketError);
        }
        track.multicast = { address: dest, port: ports[0] };
      } else {
        listen(pairSockets!.rtp, (msg, at) => opts.receiver.onRtpData(msg, at), onSocketError);
        listen(pairSockets!.rtcp, (msg) => opts.receiver.onRtcpData(msg), onSocketError);
      }
      info.tracks.push(track);
    }

    const aggregate = sdp.control ? resolveControl(base, sdp.control) : null;
    const playTargets = aggregate ? [aggregate] : info.tracks.map((tr) => tr.control);
    for (const target of playTargets) {
      const play = expectOk(
        "PLAY",
        target,
        await conn.request("PLAY", target, { Range: "npt=0.000-", ...sessionHeader() }, t),
      );
      info.rtpInfo = play.headers.get("rtp-info") ?? info.rtpInfo;
      info.range = play.headers.get("range") ?? info.range;
    }

    conn.onClose = (err) => {
      if (!stopping) opts.onEnd(err ? err.message : "the RTSP server closed the connection");
    };
    const keepaliveTarget = aggregate ?? uri;
    keepalive = setInterval(() => {
      info.keepalivesSent++;
      conn
        .request(info.keepaliveMethod, keepaliveTarget, sessionHeader(), t)
        .then((r) => {
          if (r.status >= 200 && r.status < 300) info.keepalivesAnswered++;
          else opts.onWarning(`keepalive ${info.keepaliveMethod} answered ${r.status} ${r.reason}`);
        })
        .catch((err: Error) => {
          if (!stopping) opts.onWarning(`keepalive ${info.keepaliveMethod}: ${err.message}`);
        });
    }, (info.timeoutS * 1000) / 2);

    const stop = async () => {
      if (stopping) return;
      stopping = true;
      if (keepalive) clearInterval(keepalive);
      keepalive = null;
      if (!conn.closed) {
        try {
          const r = await conn.request("TEARDOWN", keepaliveTarget, sessionHeader(), Math.min(t, 3000));
          info.teardown = r.status >= 200 && r.status < 300 ? "ok" : "failed";
        } catch {
          info.teardown = "failed";
        }
      }
      cleanup();
    };
    return { info, stop };
  } catch (err) {
    stopping = true;
    cleanup();
    throw err;
  }
}
