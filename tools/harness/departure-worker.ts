// The departure thread's body: waits for each held datagram's time and sends it from the twin of the board's socket.
import * as dgram from "dgram";
import * as fs from "fs";
import * as v8 from "v8";
import * as vm from "vm";
import { parentPort, workerData } from "worker_threads";
import { Layout, monotonicOffsetMs, SLOTS } from "./departure-layout";
import { syncLookup } from "./network";
import { spinUntil } from "./real-time";

const shared = new Layout(workerData as SharedArrayBuffer);
const port = parentPort!;
const offsetMs = monotonicOffsetMs();
const twins = new Map<number, dgram.Socket>();
/** Twins asked for and still binding: their datagrams wait for them. */
const binding = new Set<number>();
/** Closed while still binding. */
const closing = new Set<number>();
/** Slots waiting to leave, earliest first. */
const pending = new Int32Array(SLOTS);
let count = 0;
let taken = 0;
/** Whether the loop has turned Node's event loop since the last departure (or long wait). */
let turned = false;
let lastTurnUs = 0;
let sentSinceCollection = 0;

/** Futex waits wake up to ~90 µs late (real-time policy, wake latency held low; more otherwise): the rest is a spin. */
const SPIN_US = 200;
/** No event-loop turn this close to a departure. */
const TURN_GUARD_US = 300;
const MAX_BLOCK_US = 2000;
const TURN_EVERY_US = 10_000;
/**
 * Each send leaves a little garbage, and V8 collects it when it likes, for 250-900 µs, in the middle of a departure if
 * it falls so. A young-generation collection asked for in a gap this long, every this many datagrams, comes first
 * (about 300 µs each, measured): the natural ones all but stop.
 */
const COLLECT_EVERY = 200;
const COLLECT_GAP_US = 1000;
v8.setFlagsFromString("--expose-gc");
const collect = vm.runInNewContext("gc") as (options: { type: "minor" }) => void;

const nowUs = (): number => (performance.now() + offsetMs) * 1000;
let seenWritten = 0;
/** Made once: a closure per spin would be garbage at every packet. */
const arrived = (): boolean => shared.written() !== seenWritten;

/** Takes the slots written up to `written` into the pending list. */
function take(written: number): void {
    const times = shared.times;
    while (taken < written) {
        const slot = taken++ % SLOTS;
        let i = count++;
        pending[i] = slot;
        while (i > 0 && times[pending[i - 1]] > times[slot]) {
            pending[i] = pending[i - 1];
            pending[--i] = slot;
        }
    }
}

/** Sends what is due; false if it had to stop at a datagram whose twin is still binding. */
function departDue(now: number): boolean {
    let n = 0;
    let waiting = false;
    while (n < count && shared.times[pending[n]] * 1000 <= now) {
        const slot = pending[n];
        const id = shared.socketOf(slot);
        if (binding.has(id)) {
            waiting = true;
            break;
        }
        n++;
        turned = false;
        const socket = twins.get(id);
        // No callback: a refused datagram is an 'error' event, and nothing per packet waits for completion.
        if (socket) socket.send(shared.bytes, shared.dataOffset(slot), shared.lengthOf(slot), shared.portOf(slot), shared.addressOf(slot));
        sentSinceCollection++;
        shared.free(slot);
    }
    if (n > 0) {
        for (let i = n; i < count; i++) pending[i - n] = pending[i];
        count -= n;
    }
    return !waiting;
}

function loop(): void {
    lastTurnUs = nowUs();
    for (;;) {
        if (shared.stopped()) return stop();
        // Read once: a datagram written after this is not taken now, and makes the waits below return at once.
        const written = shared.written();
        take(written);
        const now = nowUs();
        if (!departDue(now)) {
            // A twin is binding: its bind completes in an event-loop turn.
            setImmediate(loop);
            return;
        }
        const next = count > 0 ? shared.times[pending[0]] * 1000 : Infinity;
        const waitUs = next - now;
        if (sentSinceCollection >= COLLECT_EVERY && waitUs > COLLECT_GAP_US) {
            collect({ type: "minor" });
            sentSinceCollection = 0;
            continue;
        }
        if (count === 0) {
            // Nothing held: block until a datagram comes (or a while), then one turn of the event loop.
            Atomics.wait(shared.ctrl, 0, written, MAX_BLOCK_US / 1000);
            setImmediate(loop);
            return;
        }
        if ((!turned && waitUs > SPIN_US + TURN_GUARD_US) || (now - lastTurnUs > TURN_EVERY_US && waitUs > SPIN_US + 50)) {
            // One turn of the event loop right after a departure, where the gap is (messages, arrivals to pass on);
            // at least every 10 ms when departures are too dense for that.
            turned = true;
            setImmediate(loop);
            return;
        }
        if (waitUs > SPIN_US) {
            // One futex wait per gap, up to the spin: every wait is a chance for the machine to wake us late.
            const blockUs = Math.min(waitUs - SPIN_US, MAX_BLOCK_US);
            Atomics.wait(shared.ctrl, 0, written, blockUs / 1000);
            if (blockUs === MAX_BLOCK_US) turned = false;
            continue;
        }
        // The last stretch: spin to the departure, unless an earlier datagram arrives meanwhile.
        seenWritten = written;
        spinUntil(nowUs, next, arrived);
    }
}

function stop(): void {
    for (const s of twins.values()) s.close();
    twins.clear();
    port.close();
}

port.on("message", (m: { open?: number; port: number; address: string; family: string; close?: number }) => {
    if (m.open !== undefined) {
        const id = m.open;
        binding.add(id);
        const socket = dgram.createSocket({ type: m.family === "IPv6" ? "udp6" : "udp4", reuseAddr: true, lookup: syncLookup as never });
        // The twin, bound later to the same port, is the one the kernel gives arriving datagrams to: pass them on.
        socket.on("message", (data, rinfo) => port.postMessage({ received: [id, data, rinfo.port, rinfo.address] }));
        socket.on("error", () => undefined);
        socket.bind(m.port, m.address, () => {
            binding.delete(id);
            if (closing.delete(id)) return void socket.close();
            twins.set(id, socket);
        });
    }
    if (m.close !== undefined) {
        if (binding.has(m.close)) closing.add(m.close);
        twins.get(m.close)?.close();
        twins.delete(m.close);
    }
});

let tid = 0;
try {
    tid = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
} catch {
    /* not Linux: no thread id, no policy of its own */
}
// Calibrate the spin now: its first use measures the machine for tens of ms, which must not fall before a departure.
spinUntil(nowUs, nowUs() + 1);
port.postMessage({ tid });
loop();
