// The 12-byte RTP fixed header (RFC 3550 §5.1), built with one string.char call and arithmetic.
const schar = string.char;
const floor = math.floor;

/**
 * Version 2, no padding, no extension, no CSRC. `seq` is taken modulo 2^16, `timestamp` and `ssrc` modulo 2^32
 * (non-negative integers expected). Creates no table.
 */
export function rtpHeader(payloadType: number, marker: boolean, seq: number, timestamp: number, ssrc: number): string {
    const s = seq % 65536;
    const t = timestamp % 4294967296;
    const c = ssrc % 4294967296;
    return schar(
        0x80,
        marker ? payloadType + 128 : payloadType,
        floor(s / 256),
        s % 256,
        floor(t / 16777216),
        floor(t / 65536) % 256,
        floor(t / 256) % 256,
        t % 256,
        floor(c / 16777216),
        floor(c / 65536) % 256,
        floor(c / 256) % 256,
        c % 256,
    );
}
