// Number and string formatting that prints the same under Lua 5.1 and 5.3 (no "1.0" floats, no 32-bit %d overflow).

/** An integer as decimal digits: "%.0f" is exact up to 2^53 on both Lua versions, unlike tostring or %d. */
export function int(n: number): string {
    return string.format("%.0f", math.floor(n));
}

/** A 32-bit unsigned value as 8 hex digits, in two halves because %X on 32-bit Lua 5.1 builds overflows past 2^31. */
export function hex32(n: number): string {
    const v = math.floor(n) % 4294967296;
    return string.format("%04X%04X", math.floor(v / 65536), v % 65536);
}

/** Seconds with millisecond precision, as RTSP npt ranges write them. */
export function seconds(us: number): string {
    return string.format("%.3f", us / 1000000);
}

export function trim(s: string): string {
    const [t] = string.match(s, "^%s*(.-)%s*$");
    return t ?? "";
}

/** Decimal digits only (no sign, no exponent): Content-Length, ports, CSeq-like fields. */
export function parseDigits(s: string | undefined): number | undefined {
    if (s === undefined) return undefined;
    const [d] = string.match(s, "^%s*(%d+)%s*$");
    if (d === undefined || string.len(d) > 9) return undefined;
    return tonumber(d);
}

/** Two bytes, big-endian (RTSP interleaved frame length). */
export function be16(n: number): string {
    return string.char(math.floor(n / 256) % 256, n % 256);
}

/** Whether `pattern` (a Lua pattern, or plain text when `plain`) occurs in `s`; string.find returns several values. */
export function has(s: string, pattern: string, plain = false): boolean {
    const [at] = string.find(s, pattern, 1, plain);
    return at !== undefined;
}
