// Datagrams handed over ahead of their time leave from a thread of their own at their departure times (SO_TXTIME-like).
import type * as dgram from "dgram";
import * as path from "path";
import { Worker } from "worker_threads";
import { Layout, monotonicOffsetMs, SLOTS } from "./departure-layout";
import { registerPacingThread, unregisterPacingThread } from "./real-time";

export type Received = (socketId: number, data: Buffer, port: number, address: string) => void;

/**
 * The board's thread (Lua, reads, sockets, the collector) hands a datagram over up to the send lead ahead of its time; a
 * worker thread with a heap of its own sends it at that time from a twin socket bound to the same port. Neither a
 * collection nor a long Lua event on the board's thread can then delay a departure, as long as it ends within the lead.
 * Datagrams travel in a ring of slots in shared memory (one copy, nothing allocated); sockets are announced by message.
 */
export class DepartureThread {
    private readonly worker: Worker;
    private readonly shared = new Layout(new SharedArrayBuffer(Layout.bytes()));
    private written = 0;
    /** Sockets that have a twin in the worker (bound or being bound). */
    private readonly twins = new Set<number>();
    private readonly offsetMs = monotonicOffsetMs();
    private closed = false;
    /** The worker's thread id (for its scheduling policy), once it runs. */
    private tid = 0;
    /** Settles when the worker runs (it takes a few hundred ms to start): a datagram held before waits for it. */
    readonly started: Promise<void>;

    constructor(private readonly onReceive: Received) {
        // The worker is TypeScript like the rest of the tools: it loads tsx first, found from here (not from the cwd).
        const body = `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(path.join(__dirname, "departure-worker.ts"))});`;
        this.worker = new Worker(body, { eval: true, workerData: this.shared.buffer });
        let started = (): void => undefined;
        this.started = new Promise<void>(resolve => (started = resolve));
        // A worker that ended (or failed to start) holds nothing more: the board's datagrams go at once again.
        this.worker.once("exit", () => {
            this.closed = true;
            if (this.tid) unregisterPacingThread(this.tid);
            started();
        });
        this.worker.on("message", (m: { tid?: number; received?: [number, Uint8Array, number, string] }) => {
            if (m.tid !== undefined) started();
            if (m.tid) {
                this.tid = m.tid;
                if (!this.closed) registerPacingThread(m.tid);
            }
            if (m.received) this.onReceive(m.received[0], Buffer.from(m.received[1]), m.received[2], m.received[3]);
        });
        this.worker.on("error", (e: Error) => process.stderr.write(`departure thread: ${e.message}\n`));
        this.worker.unref();
    }

    /**
     * Queues a datagram to leave at `atMs` (performance.now() of this thread). False when it cannot be held (its socket
     * has no twin yet, every slot is taken, or the thread has ended): the caller sends it at once.
     */
    hold(socketId: number, atMs: number, data: Uint8Array, port: number, address: string): boolean {
        if (this.closed || !this.twins.has(socketId)) return false;
        const slot = this.written % SLOTS;
        if (!this.shared.put(slot, atMs + this.offsetMs, socketId, port, address, data)) return false;
        this.written++;
        this.shared.publish(this.written);
        return true;
    }

    /**
     * Gives a bound socket its twin in the worker (call once it listens). A datagram due before the twin is bound waits
     * for it there: late at the first packets of a socket opened just before, never early.
     */
    twin(socketId: number, socket: dgram.Socket): void {
        if (this.closed || this.twins.has(socketId)) return;
        const a = socket.address();
        this.twins.add(socketId);
        this.worker.postMessage({ open: socketId, port: a.port, address: a.address, family: a.family });
    }

    /** The board closed a socket: its twin closes, its datagrams still held are dropped. */
    forget(socketId: number): void {
        if (!this.twins.delete(socketId)) return;
        this.worker.postMessage({ close: socketId });
    }

    /** Stops the worker (idempotent); datagrams still held are dropped. */
    close(): void {
        if (this.closed) return;
        this.closed = true;
        if (this.tid) unregisterPacingThread(this.tid);
        // The worker closes its twins and ends by itself; terminate() is the fallback for one stuck in a send.
        this.shared.stop();
        setTimeout(() => void this.worker.terminate(), 1000).unref();
    }
}
