// RTSP Range header, npt form only (RFC 2326 §3.6): "npt=12.5-", "npt=0:01:02.5-", "npt=now-".

/** Start of an npt range in µs; "now" and an open start mean "from where it is" (undefined); false when malformed. */
export function parseNptStart(header: string): number | undefined | false {
    const [spec] = string.match(header, "^%s*[nN][pP][tT]%s*=%s*([^;]*)");
    if (spec === undefined) return false;
    const [start] = string.match(spec, "^([^-]*)%-");
    if (start === undefined) return false;
    if (start === "" || start === "now") return undefined;
    const [h, m, s] = string.match(start, "^(%d+):(%d+):(%d+%.?%d*)$");
    if (h !== undefined && m !== undefined && s !== undefined) {
        return math.floor((tonumber(h)! * 3600 + tonumber(m)! * 60 + tonumber(s)!) * 1000000 + 0.5);
    }
    const [plain] = string.match(start, "^(%d+%.?%d*)$");
    if (plain === undefined) return false;
    return math.floor(tonumber(plain)! * 1000000 + 0.5);
}
