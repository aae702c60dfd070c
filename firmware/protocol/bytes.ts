// Integer reads from Lua strings (1-based positions, little- and big-endian) and big-endian writes, by arithmetic only.

const sbyte = string.byte;
const schar = string.char;
const floor = math.floor;

/** Unsigned 16-bit little-endian at byte position i (1-based). The caller checks that the bytes exist. */
export function u16le(s: string, i: number): number {
    const [a, b] = sbyte(s, i, i + 1);
    return a + b * 256;
}

export function u32le(s: string, i: number): number {
    const [a, b, c, d] = sbyte(s, i, i + 3);
    return a + b * 256 + c * 65536 + d * 16777216;
}

export function u16be(s: string, i: number): number {
    const [a, b] = sbyte(s, i, i + 1);
    return a * 256 + b;
}

export function u32be(s: string, i: number): number {
    const [a, b, c, d] = sbyte(s, i, i + 3);
    return a * 16777216 + b * 65536 + c * 256 + d;
}

/** Four bytes, most significant first, of n taken modulo 2^32. */
export function be32(n: number): string {
    const v = n % 4294967296;
    return schar(floor(v / 16777216) % 256, floor(v / 65536) % 256, floor(v / 256) % 256, v % 256);
}

export function be16(n: number): string {
    const v = n % 65536;
    return schar(floor(v / 256), v % 256);
}
