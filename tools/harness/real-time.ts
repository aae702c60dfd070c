// Real-time helpers for the host board's loop: sub-millisecond waits, a cheap spin, and the sender thread's scheduling policy.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as v8 from "v8";
import * as vm from "vm";

const blocker = new Int32Array(new SharedArrayBuffer(4));

/**
 * Blocks the thread for about `us` µs (a futex wait: no event-loop turn, no allocation). Linux wakes it 50-170 µs
 * late (timer slack), so callers stop blocking that much before a deadline and spin the rest.
 */
export function block(us: number): void {
    if (us > 0) Atomics.wait(blocker, 0, 0, us / 1000);
}

let sink = 0;
/** Busy-loop iterations that take about a µs on this machine (measured once, warm). */
let burnIterations = 0;

/** Integer work only: a double kept in a module variable would be boxed, allocating at every step. */
function burn(n: number): void {
    let x = 0;
    for (let k = 0; k < n; k++) x = (x + k) | 0;
    sink ^= x;
}

function calibrate(clock: () => number): number {
    // Warm the loop up first: measured while V8 still interprets it, the count would be far too low once it is compiled.
    for (let i = 0; i < 20; i++) burn(100_000);
    let n = 1000;
    for (;;) {
        const t0 = clock();
        burn(n);
        const took = clock() - t0;
        if (took > 50 || n > 1e8) return Math.max(1, Math.round(n / took));
        n *= 4;
    }
}

/**
 * Spins until `clock()` reaches `atUs` (or `interrupted()` says so). Each clock read allocates a little on Node 20 (V8's collector then runs more
 * often), so the spin burns about a µs between reads: that is its precision, and 40x less garbage.
 */
export function spinUntil(clock: () => number, atUs: number, interrupted?: () => boolean): void {
    if (burnIterations === 0) burnIterations = calibrate(clock);
    while (clock() < atUs && !(interrupted && interrupted())) burn(burnIterations);
}

/** How long before a deadline the loop stops blocking and spins: a futex wait wakes up to ~90 µs late at real-time
 * priority with the wake latency held low (p99.9; timer slack is zero there), up to ~170 µs under the ordinary policy. */
export function spinWindowUs(): number {
    return raised ? 150 : 300;
}

/** The fixed real-time priority the board's threads ask for (low among real-time ones: kernel threads stay above). */
export const RT_PRIORITY = 10;
/** The departure thread's, one above: at equal SCHED_FIFO priority a running Lua event would keep it from its CPU. */
export const PACING_PRIORITY = RT_PRIORITY + 1;

let raised = false;
const pacingThreads = new Set<number>();

/**
 * Puts this process's threads under SCHED_FIFO, as the seed's real-time kernel ran its sender, and the departure
 * threads one priority higher: an ordinary thread that waits for a deadline is preempted for whole scheduler slices (ms)
 * by any other runnable process. Also holds the CPU wake latency low (holdLowWakeLatency). Needs root or CAP_SYS_NICE;
 * returns what the threads run under, or why they stay as they were.
 */
export function raiseSchedulingPriority(pid: number = process.pid): { realTime: boolean; policy: string } {
    // -a: every thread (the board's, the departure thread, the collector's helpers); -R: processes this one starts
    // (receivers, captures, players) begin as ordinary ones again.
    const r = spawnSync("chrt", ["-a", "-f", "-R", "-p", String(RT_PRIORITY), String(pid)], { encoding: "utf8" });
    if (r.error) return { realTime: false, policy: "normal (chrt is not installed)" };
    if (r.status !== 0) return { realTime: false, policy: `normal (${(r.stderr || "chrt failed").trim().split("\n")[0]})` };
    if (pid === process.pid) {
        raised = true;
        for (const tid of pacingThreads) raiseThread(tid);
    }
    const wake = holdLowWakeLatency();
    return { realTime: true, policy: `SCHED_FIFO ${RT_PRIORITY} (departure thread ${PACING_PRIORITY}), ${wake.note}` };
}

function raiseThread(tid: number): void {
    spawnSync("chrt", ["-f", "-R", "-p", String(PACING_PRIORITY), String(tid)], { stdio: "ignore" });
}

/** A thread of this process that times departures: it gets PACING_PRIORITY whenever the process is raised. */
export function registerPacingThread(tid: number): void {
    pacingThreads.add(tid);
    if (raised) raiseThread(tid);
}

export function unregisterPacingThread(tid: number): void {
    pacingThreads.delete(tid);
}

/** Back to the ordinary policy (after a measured run, so long simulations do not hold a core at real-time priority). */
export function restoreSchedulingPriority(pid: number = process.pid): void {
    spawnSync("chrt", ["-a", "-o", "-p", "0", String(pid)], { stdio: "ignore" });
    if (pid === process.pid) raised = false;
    releaseLowWakeLatency();
}

let latencyFd: number | undefined;

/**
 * Asks the kernel (PM QoS, /dev/cpu_dma_latency) to keep idle CPUs in states they leave at once, as cyclictest and
 * real-time audio servers do, for as long as this process holds the request. A halted CPU (a virtual one above all) is
 * slow to wake for a timer: on a 2-vCPU VM (measure-wake-latency.ts) 50-450 µs futex waits under SCHED_FIFO overslept
 * by p99 125-558 µs when CPUs may halt, by p99 39-48 µs with the request held. Idle CPUs poll meanwhile (they draw
 * power); restoreSchedulingPriority or the process's exit ends it. Returns whether it holds, and a note for reports.
 */
export function holdLowWakeLatency(): { held: boolean; note: string } {
    if (latencyFd === undefined) {
        try {
            const fd = fs.openSync("/dev/cpu_dma_latency", "r+");
            fs.writeSync(fd, Buffer.alloc(4)); // 0 µs, as a 32-bit integer
            latencyFd = fd;
        } catch (e) {
            return { held: false, note: `CPU wake latency as configured (/dev/cpu_dma_latency: ${(e as NodeJS.ErrnoException).code ?? String(e)})` };
        }
    }
    return { held: true, note: "CPU wake latency held at 0 µs (PM QoS)" };
}

/** Gives up the wake-latency request (idempotent). */
export function releaseLowWakeLatency(): void {
    if (latencyFd === undefined) return;
    try {
        fs.closeSync(latencyFd);
    } finally {
        latencyFd = undefined;
    }
}

/** The command line that runs `program` under the same policy, for peers measured side by side; as is otherwise. */
export function underSamePolicy(realTime: boolean, program: string, args: string[]): [string, string[]] {
    return realTime ? ["chrt", ["-f", String(RT_PRIORITY), program, ...args]] : [program, args];
}

let fullCollection: (() => void) | undefined;

/**
 * A full collection now, before a stretch that must not be interrupted (after a build, before a measured run): what
 * the old generation holds then is not collected later, in the middle of it, for many ms.
 */
export function collectGarbageNow(): void {
    if (!fullCollection) {
        v8.setFlagsFromString("--expose-gc");
        fullCollection = vm.runInNewContext("gc") as () => void;
    }
    fullCollection();
}
