// Human-readable rendering of a ProbeResult and of the live progress line.

import type { ProbeProgress, ProbeResult } from "./probe";
import type { StreamSummary } from "./stats";

function us(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "-";
  if (Math.abs(v) >= 10000) return `${(v / 1000).toFixed(1)} ms`;
  return `${v.toFixed(1)} µs`;
}

function hex32(n: number): string {
  return "0x" + (n >>> 0).toString(16).padStart(8, "0");
}

function streamLines(s: StreamSummary): string[] {
  const fmt = s.encoding ? `${s.encoding}/${s.clockRate}${s.channels && s.channels > 1 ? "/" + s.channels : ""}` : "unknown format";
  const pct = s.expected > 0 ? ((100 * s.lost) / s.expected).toFixed(2) : "0.00";
  const lines = [
    `stream SSRC ${hex32(s.ssrc)}  PT ${s.payloadType} ${fmt}`,
    `  packets ${s.packets}  expected ${s.expected}  received ${s.received}  lost ${s.lost} (${pct}%)  missing ${s.missing}` +
      `  duplicates ${s.duplicates}  reordered ${s.reordered}` +
      (s.invalid || s.resyncs ? `  invalid ${s.invalid}  resyncs ${s.resyncs}` : ""),
  ];
  if (s.jitter) {
    lines.push(
      `  jitter (RFC 3550 A.8): last ${us(s.jitter.lastUs)} (${s.jitter.lastTs.toFixed(2)} ts)` +
        `  max ${us(s.jitter.maxUs)}  mean ${us(s.jitter.meanUs)}`,
    );
  }
  if (s.deviationUs) {
    const d = s.deviationUs;
    lines.push(
      `  lateness vs media clock: max ${us(d.max)}  mean ${us(d.mean)}  p50 ${us(d.p50)}  p99 ${us(d.p99)}  p99.9 ${us(d.p999)}`,
    );
  }
  if (s.interarrivalUs) {
    lines.push(`  interarrival: max ${us(s.interarrivalUs.max)}  mean ${us(s.interarrivalUs.mean)}`);
  }
  const media = s.mediaSeconds !== null ? `  media ${s.mediaSeconds.toFixed(3)} s` : "";
  lines.push(
    `  received over ${s.receiveSeconds.toFixed(3)} s${media}  payload ${s.payloadBytes} B` +
      `  RTCP SR ${s.senderReports}${s.bye ? "  BYE" : ""}`,
  );
  return lines;
}

export function formatResult(r: ProbeResult): string {
  const how = r.rtsp ? `rtsp/${r.rtsp.transport}` : r.input;
  const lines = [
    `probe ${r.url} (${how}): stopped by ${r.stopReason}${r.stopDetail ? ` (${r.stopDetail})` : ""} after ${r.elapsedS.toFixed(3)} s, ${r.rtpPackets} RTP packets`,
  ];
  if (r.rtsp) {
    lines.push(
      `rtsp: session ${r.rtsp.session} timeout ${r.rtsp.timeoutS} s, ${r.rtsp.keepalivesSent} ${r.rtsp.keepaliveMethod} keepalives, teardown ${r.rtsp.teardown}` +
        (r.rtsp.server ? `, server "${r.rtsp.server}"` : ""),
    );
  }
  for (const s of r.streams) lines.push(...streamLines(s));
  if (r.streams.length === 0) lines.push("no RTP stream received");
  const c = r.rtcp;
  lines.push(
    `rtcp: ${c.compounds} compound packets, ${c.senderReports} SR, ${c.receiverReports} RR, ${c.sdes} SDES, ${c.bye} BYE` +
      (c.app || c.other ? `, ${c.app} APP, ${c.other} other` : "") +
      (c.malformed ? `, ${c.malformed} malformed` : ""),
  );
  if (r.malformedRtp) lines.push(`malformed RTP datagrams: ${r.malformedRtp}`);
  if (r.audio) {
    const a = r.audio;
    lines.push(
      a.container === "wav"
        ? `audio: ${a.path} (WAV ${a.encoding} ${a.sampleRate} Hz ${a.channels} ch, ${a.frames} frames, ${a.silenceFrames} of silence for gaps)`
        : `audio: ${a.path} (raw MPEG audio frames, ${a.bytes} B)`,
    );
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n") + "\n";
}

export function formatProgress(p: ProbeProgress): string {
  return (
    `${p.elapsedS.toFixed(1)} s  ${p.packets} pkts  lost ${p.lost}  jitter ${us(p.jitterUs)}` +
    `  late max ${us(p.maxDeviationUs)}  ${p.kbitPerS.toFixed(0)} kbit/s`
  );
}
