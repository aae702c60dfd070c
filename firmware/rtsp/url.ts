// RTSP URLs to card paths: strips scheme, host and the track suffix, decodes %XX, refuses dot segments (path traversal).
import { has } from "./text";

export type UrlTarget =
    | { kind: "file"; path: string }
    | { kind: "channel"; name: string }
    /** `*` or the server root: requests that address the server, not a stream. */
    | { kind: "server" }
    | { kind: "bad"; reason: string };

/** The control suffix DESCRIBE advertises (a=control:track1); SETUP and PLAY URLs may carry it. */
export const TRACK = "track1";

function decode(s: string): string | undefined {
    let bad = false;
    const [out] = string.gsub(s, "%%(%x?%x?)", (hex: string) => {
        if (string.len(hex) !== 2) {
            bad = true;
            return "";
        }
        return string.char(tonumber(hex, 16)!);
    });
    return bad ? undefined : out;
}

/** Splits an RTSP request URL into what it names on this server. */
export function parseTarget(url: string): UrlTarget {
    if (url === "*") return { kind: "server" };
    let rest = url;
    const [afterScheme] = string.match(url, "^[rR][tT][sS][pP][uU]?://[^/]*(.*)$");
    if (afterScheme !== undefined) rest = afterScheme;
    else if (string.byte(url, 1) !== 47) return { kind: "bad", reason: "not an rtsp URL" };
    const [noQuery] = string.match(rest, "^([^?#]*)");
    const decoded = decode(noQuery ?? "");
    if (decoded === undefined) return { kind: "bad", reason: "bad percent-encoding" };
    if (has(decoded, "[%z\\\r\n]")) return { kind: "bad", reason: "bad character in path" };
    // Split into segments, dropping empty ones (a trailing "/" from Content-Base, doubled slashes).
    const segments: string[] = [];
    let pos = 1;
    const length = string.len(decoded);
    while (pos <= length) {
        const [slash] = string.find(decoded, "/", pos, true);
        const stop = slash === undefined ? length : slash - 1;
        const seg = string.sub(decoded, pos, stop);
        if (seg === ".." || seg === ".") return { kind: "bad", reason: "dot segment in path" };
        if (seg !== "") segments.push(seg);
        pos = stop + 2;
    }
    if (segments.length > 0 && segments[segments.length - 1] === TRACK) segments.pop();
    if (segments.length === 0) return { kind: "server" };
    if (segments[0] === "channel" && segments.length === 2) return { kind: "channel", name: segments[1] };
    return { kind: "file", path: table.concat(segments, "/") };
}
