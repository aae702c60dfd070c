// Public entry of the probe: the programmatic API, the statistics classes and the CLI registration.

export { probe, inputKind } from "./probe";
export type { ProbeOptions, ProbeProgress, ProbeResult, StopReason } from "./probe";
export { probeCommand } from "./cli";
export type { CliIo } from "./cli";
export { StreamStats, percentile } from "./stats";
export type { RtpArrival, SenderInfo, StreamSummary, Distribution } from "./stats";
export { SessionStats } from "./session";
export type { RtcpItem, RtcpCounters } from "./session";
export { SequenceTracker, MAX_DROPOUT, MAX_MISORDER } from "./sequence";
export type { SequenceVerdict, SequenceUpdate } from "./sequence";
export { Receiver } from "./receiver";
export type { TraceEntry } from "./receiver";
export { AudioRecorder } from "./audio";
export type { AudioOutputInfo } from "./audio";
export { ProbeError, describeError } from "./errors";
export { formatResult, formatProgress } from "./report";
export { STATIC_PAYLOAD_TYPES, staticCodec } from "./payload";
export type { Codec } from "./payload";
