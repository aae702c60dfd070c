// probe(url, options): receive an RTSP, SDP or rtp:// stream until a stop condition, then report statistics.

import { existsSync } from "node:fs";
import type { AudioOutputInfo } from "./audio";
import { describeError, ProbeError } from "./errors";
import { staticCodec, type Codec } from "./payload";
import { Receiver, type TraceEntry } from "./receiver";
import { startRtsp, type RtspSessionInfo } from "./rtsp-client";
import type { RtcpCounters } from "./session";
import { startRtpUrl, startSdpFile, type UdpInputInfo } from "./sources";
import type { StreamSummary } from "./stats";

export interface ProbeOptions {
  /** RTSP only: RTP/AVP/TCP interleaved instead of UDP client ports. */
  tcp?: boolean;
  /** Stop this many seconds after the stream was set up. */
  durationS?: number;
  /** Stop after this many RTP packets (all SSRCs, duplicates included). */
  packets?: number;
  /** Write the received audio there (see audio.ts for the formats). */
  wav?: string;
  /**
   * Bound on every wait, seconds (default 10): TCP connect, each RTSP answer, the first RTP packet
   * (an error when exceeded) and silence after packets flowed (ends the run with stopReason "idle").
   */
  timeoutS?: number;
  /** Keep one TraceEntry per RTP packet in the result. */
  trace?: boolean;
  /** Local interface address for multicast joins. */
  iface?: string;
  /** Aborting ends the run normally (stopReason "aborted"): TEARDOWN is still sent. */
  signal?: AbortSignal;
  onProgress?: (p: ProbeProgress) => void;
  progressIntervalMs?: number;
  /** Called once the receiver is set up (sockets bound, RTSP PLAY answered): a sender may start now. */
  onReady?: () => void;
}

export interface ProbeProgress {
  elapsedS: number;
  packets: number;
  lost: number;
  /** Largest current A.8 jitter estimate over the streams, µs. */
  jitterUs: number | null;
  maxDeviationUs: number | null;
  kbitPerS: number;
}

export type StopReason = "duration" | "packets" | "bye" | "idle" | "server-closed" | "aborted";

export interface ProbeResult {
  url: string;
  input: "rtsp" | "sdp" | "rtp";
  startedAt: string;
  /** From the end of setup to the stop, seconds. */
  elapsedS: number;
  stopReason: StopReason;
  stopDetail: string | null;
  rtpPackets: number;
  malformedRtp: number;
  streams: StreamSummary[];
  rtcp: RtcpCounters;
  rtsp: RtspSessionInfo | null;
  udp: UdpInputInfo | null;
  audio: AudioOutputInfo | null;
  warnings: string[];
  trace?: TraceEntry[];
}

const BYE_GRACE_MS = 200;

/** Which kind of input a URL or path is. */
export function inputKind(url: string): "rtsp" | "sdp" | "rtp" {
  if (/^rtsp:\/\//i.test(url)) return "rtsp";
  if (/^rtp:\/\//i.test(url)) return "rtp";
  if (/\.sdp$/i.test(url) || (!/^[a-z][a-z0-9+.-]*:/i.test(url) && existsSync(url))) return "sdp";
  throw new ProbeError("BAD_URL", `unsupported input ${url}: expected rtsp://, rtp:// or an .sdp file`);
}

export async function probe(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const input = inputKind(url);
  const timeoutMs = Math.max(1, (options.timeoutS ?? 10) * 1000);
  const codecs = new Map<number, Codec>();
  const receiver = new Receiver({
    codecFor: (pt) => codecs.get(pt) ?? staticCodec(pt),
    record: options.wav !== undefined,
    trace: options.trace ?? false,
  });
  const warnings = new Set<string>();
  const startedAt = new Date().toISOString();

  let settle: (v: { reason: StopReason; detail: string | null } | Error) => void = () => {};
  const stopped = new Promise<{ reason: StopReason; detail: string | null } | Error>((resolve) => {
    let done = false;
    settle = (v) => {
      if (!done) {
        done = true;
        resolve(v);
      }
    };
  });
  let ended: string | null = null;
  const common = {
    codecs,
    receiver,
    onEnd: (reason: string) => {
      ended = reason;
      settle({ reason: "server-closed", detail: reason });
    },
    onWarning: (msg: string) => warnings.add(msg),
  };
  if (options.signal?.aborted) throw new ProbeError("TIMEOUT", "aborted before start");

  const source =
    input === "rtsp"
      ? await startRtsp(url, { ...common, tcp: options.tcp ?? false, timeoutMs })
      : input === "sdp"
        ? await startSdpFile(url, { ...common, iface: options.iface })
        : await startRtpUrl(url, { ...common, iface: options.iface });
  if (options.tcp && input !== "rtsp") warnings.add("--tcp applies to rtsp:// only; ignored");

  options.onReady?.();
  const t0 = process.hrtime.bigint();
  const elapsedS = () => Number(process.hrtime.bigint() - t0) / 1e9;
  const timers: NodeJS.Timeout[] = [];
  const onAbort = () => settle({ reason: "aborted", detail: null });
  options.signal?.addEventListener("abort", onAbort);

  receiver.onRtpPacket = () => {
    if (options.packets !== undefined && receiver.stats.rtpPackets >= options.packets) {
      settle({ reason: "packets", detail: `${options.packets} packets` });
    }
  };
  receiver.onRtcpPacket = () => {
    if (receiver.stats.allSaidBye()) {
      timers.push(setTimeout(() => settle({ reason: "bye", detail: "RTCP BYE from every stream" }), BYE_GRACE_MS));
    }
  };
  if (options.durationS !== undefined) {
    timers.push(setTimeout(() => settle({ reason: "duration", detail: `${options.durationS} s` }), options.durationS * 1000));
  }
  const watchdog = setInterval(
    () => {
      const now = process.hrtime.bigint();
      if (receiver.lastArrivalNs === null) {
        if (Number(now - t0) / 1e6 >= timeoutMs) {
          settle(new ProbeError("TIMEOUT", `timeout: no RTP packet received within ${timeoutMs / 1000} s from ${url}`));
        }
      } else if (Number(now - receiver.lastArrivalNs) / 1e6 >= timeoutMs) {
        settle({ reason: "idle", detail: `no packet for ${timeoutMs / 1000} s` });
      }
    },
    Math.min(250, timeoutMs / 4),
  );
  timers.push(watchdog);
  if (options.onProgress) {
    const onProgress = options.onProgress;
    timers.push(setInterval(() => onProgress(progressOf(receiver, elapsedS())), options.progressIntervalMs ?? 250));
  }

  const outcome = await stopped;
  const elapsed = elapsedS();
  for (const t of timers) clearTimeout(t);
  options.signal?.removeEventListener("abort", onAbort);
  receiver.onRtpPacket = null;
  receiver.onRtcpPacket = null;
  await source.stop();
  if (outcome instanceof Error) throw outcome;
  if (outcome.reason === "server-closed" && receiver.lastArrivalNs === null) {
    throw new ProbeError("NO_MEDIA", `${ended ?? "stream ended"} before any RTP packet arrived`);
  }

  let audio: AudioOutputInfo | null = null;
  if (options.wav !== undefined) {
    if (receiver.recorder) {
      try {
        audio = await receiver.recorder.write(options.wav);
      } catch (err) {
        warnings.add(`cannot write ${options.wav}: ${describeError(err)}`);
      }
    } else {
      warnings.add(`no recordable audio received: ${options.wav} not written`);
    }
  }
  for (const w of receiver.warnings) warnings.add(w);
  return {
    url,
    input,
    startedAt,
    elapsedS: elapsed,
    stopReason: outcome.reason,
    stopDetail: outcome.detail,
    rtpPackets: receiver.stats.rtpPackets,
    malformedRtp: receiver.stats.malformedRtp,
    streams: receiver.stats.summaries(),
    rtcp: { ...receiver.stats.rtcp },
    rtsp: input === "rtsp" ? (source.info as RtspSessionInfo) : null,
    udp: input === "rtsp" ? null : (source.info as UdpInputInfo),
    audio,
    warnings: [...warnings],
    ...(receiver.trace ? { trace: receiver.trace } : {}),
  };
}

function progressOf(receiver: Receiver, elapsedS: number): ProbeProgress {
  let lost = 0;
  let bytes = 0;
  let jitterUs: number | null = null;
  let maxDeviationUs: number | null = null;
  for (const s of receiver.stats.streams.values()) {
    lost += s.seq.lost;
    bytes += s.payloadBytes;
    const j = s.currentJitter;
    if (j !== null && s.clockRate) jitterUs = Math.max(jitterUs ?? 0, (j / s.clockRate) * 1e6);
    const d = s.currentMaxDeviationUs;
    if (d !== null) maxDeviationUs = Math.max(maxDeviationUs ?? 0, d);
  }
  return {
    elapsedS,
    packets: receiver.stats.rtpPackets,
    lost,
    jitterUs,
    maxDeviationUs,
    kbitPerS: elapsedS > 0 ? (bytes * 8) / elapsedS / 1000 : 0,
  };
}
