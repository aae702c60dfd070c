// The probe's error type: a one-line message and a short code the CLI and callers can act on.

export type ProbeErrorCode =
  | "BAD_URL"
  | "CONNECT"
  | "RTSP_STATUS"
  | "RTSP_PROTOCOL"
  | "TIMEOUT"
  | "NO_MEDIA"
  | "SOCKET"
  | "SDP";

export class ProbeError extends Error {
  constructor(
    readonly code: ProbeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ProbeError";
  }
}

/** A one-line description of any error (socket errors carry their errno code). */
export function describeError(err: unknown): string {
  if (err instanceof ProbeError) return err.message;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const line = err.message.split("\n")[0];
    return code && !line.includes(code) ? `${code}: ${line}` : line;
  }
  return String(err);
}
