// Microsecond clock from node.uptime(): combines its two words, never goes backwards, and knows the build's number limits.
import { Clock } from "../interfaces";

/** node.uptime() on float builds: (count & (2^53-1) as a number, count >> 53). */
const LOW_SPAN = 2 ** 53;

export type Uptime = (this: void) => LuaMultiReturn<[number, number]>;

/**
 * The board's µs clock. On double builds (the boards' sdkconfig asks for CONFIG_LUA_NUMBER_DOUBLE) every value is exact:
 * the low word only wraps after 2^53 µs (285 years), and the high word is added back in case it ever does.
 *
 * On the default float32 build the count arrives already rounded to a 24-bit mantissa, so nothing here can restore
 * the lost bits: the clock is exact for the first 2^24 µs (16.8 s), then steps by 2^(k-23) µs once past 2^k µs
 * (256 µs after 1.2 h, 1 ms after 2.4 h, 2 s after 203 days). Rounding is monotonic, so the clock still never goes
 * backwards; resolutionUs() tells callers how coarse it has become. Integer-only builds (low word wraps every 2^31 µs)
 * cannot hold a monotonic count in a number at all and are refused.
 */
export class UptimeClock implements Clock {
    readonly float32: boolean;
    private lastUs = 0;

    constructor(private readonly uptime: Uptime = node.uptime) {
        // Probe the number model on the board itself rather than trusting the board file.
        if (1 / 2 === 0) error("ringcast needs a Lua build with float numbers (integer-only builds wrap time every 35.8 min)");
        this.float32 = 2 ** 24 + 1 === 2 ** 24;
    }

    nowUs(): number {
        const [low, high] = this.uptime();
        let t = low;
        if (high > 0) t = high * LOW_SPAN + low;
        // Guards against a float32 sum rounding below the last reading (and any counter hiccup): time never runs back.
        if (t < this.lastUs) t = this.lastUs;
        this.lastUs = t;
        return t;
    }

    /** Smallest step the clock can show at its current value: 1 µs on double builds. */
    resolutionUs(): number {
        if (!this.float32) return 1;
        let step = 1;
        let edge = 2 ** 24;
        while (this.lastUs >= edge) {
            step *= 2;
            edge *= 2;
        }
        return step;
    }
}
