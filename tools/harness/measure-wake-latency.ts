// Measures how late a futex wait (Atomics.wait) wakes, with and without the PM QoS wake-latency request. Run (as root for
// the real-time policy and the request): chrt -f 11 npx tsx tools/harness/measure-wake-latency.ts [seconds]
import { holdLowWakeLatency, releaseLowWakeLatency } from "./real-time";

const cell = new Int32Array(new SharedArrayBuffer(4));

/** Waits of 50-450 µs for `seconds`; returns how much later than asked each one woke, sorted (µs). */
function oversleeps(seconds: number): Float64Array {
    const out: number[] = [];
    const end = performance.now() + seconds * 1000;
    let k = 0;
    while (performance.now() < end) {
        const want = 50 + ((k++ * 37) % 400);
        const t0 = performance.now();
        Atomics.wait(cell, 0, 0, want / 1000);
        out.push((performance.now() - t0) * 1000 - want);
    }
    return Float64Array.from(out).sort();
}

function line(name: string, d: Float64Array): string {
    const p = (q: number): string => d[Math.min(d.length - 1, Math.floor(d.length * q))].toFixed(0);
    return `${name.padEnd(34)} n ${d.length}  p50 ${p(0.5)}  p90 ${p(0.9)}  p99 ${p(0.99)}  p99.9 ${p(0.999)}  max ${p(1)} µs`;
}

if (require.main === module) {
    const seconds = Number(process.argv[2] ?? 5);
    console.log(line("CPU idle states as configured", oversleeps(seconds)));
    const wake = holdLowWakeLatency();
    console.log(line(wake.held ? "wake latency held at 0 µs" : wake.note, oversleeps(seconds)));
    releaseLowWakeLatency();
}
