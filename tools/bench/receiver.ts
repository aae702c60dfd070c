// Starts the bench receiver process on a level's SDP and turns its packet trace into per-stream arrivals.
import { ChildProcess, fork } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { TraceEntry } from "../probe/receiver";
import { Level, levelSdp } from "./media";
import { Series } from "./metrics";

export interface Listening {
    /** Resolves with one series per stream (by port order) once the senders stopped and the receiver went idle. */
    done: Promise<Series[]>;
    kill(): void;
}

/** Receives `level` on ports base, base + 2, ...; resolves `ready` when the sockets are bound. */
export function listen(level: Level, basePort: number, pts: number[], dir: string, durationS: number): Promise<Listening> {
    const sdp = path.join(dir, `recv-${basePort}.sdp`);
    fs.writeFileSync(sdp, levelSdp(level, basePort, pts));
    const child: ChildProcess = fork(path.join(__dirname, "receiver-child.ts"), [], { execArgv: ["--require", "tsx/cjs"], stdio: ["ignore", "ignore", "inherit", "ipc"] });
    const kill = (): void => {
        if (child.exitCode === null && child.signalCode === null) child.kill();
    };
    return new Promise((resolveReady, rejectReady) => {
        let finish: (s: Series[]) => void = () => undefined;
        let fail: (e: Error) => void = () => undefined;
        const done = new Promise<Series[]>((res, rej) => ((finish = res), (fail = rej)));
        done.catch(() => undefined);
        child.on("message", (m: { ready?: boolean; result?: { trace: TraceEntry[] }; error?: string }) => {
            if (m.ready) resolveReady({ done, kill });
            else if (m.result) finish(toSeries(level, m.result.trace));
            else if (m.error) {
                const e = new Error(`receiver: ${m.error}`);
                rejectReady(e);
                fail(e);
            }
        });
        child.on("exit", code => {
            const e = new Error(`receiver exited (${code})`);
            rejectReady(e);
            fail(e);
        });
        child.send({ sdp, durationS, idleS: 3 });
    });
}

/** Splits the trace by SSRC; streams are matched to the level's specs by clock rate in order of first arrival. */
export function toSeries(level: Level, trace: TraceEntry[]): Series[] {
    const bySsrc = new Map<number, TraceEntry[]>();
    for (const t of trace) {
        if (!bySsrc.has(t.ssrc)) bySsrc.set(t.ssrc, []);
        bySsrc.get(t.ssrc)!.push(t);
    }
    const groups = [...bySsrc.values()];
    return groups.map((g, i) => ({
        clockRate: level.streams[Math.min(i, level.streams.length - 1)].rate,
        arrivals: g.map(t => ({ ssrc: t.ssrc, seq: t.sequenceNumber, timestamp: t.timestamp, atNs: t.arrivalNs })),
    }));
}
