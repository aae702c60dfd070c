// Bench figures from arrivals: deviation from the media clock (max, mean, p99) and RFC 3550 jitter, by the probe's StreamStats.
import { percentile, StreamStats } from "../probe/stats";

/** One RTP packet as a receiver (or the simulated wire) saw it. */
export interface Arrival {
    ssrc: number;
    seq: number;
    timestamp: number;
    /** Receive (or departure) time in ns on any monotonic clock. */
    atNs: number;
}

export interface Figures {
    packets: number;
    /** Sequence numbers never received, over all streams. */
    lost: number;
    maxDevUs: number;
    meanDevUs: number;
    p99DevUs: number;
    jitterMaxUs: number;
    jitterMeanUs: number;
}

export interface Series {
    clockRate: number;
    arrivals: Arrival[];
}

/** Per-stream StreamStats (the probe's definitions), pooled over streams: deviations of all packets, jitter max/mean. */
export function figures(series: Series[]): Figures & { perStream: Array<{ ssrc: number; devUs: Float64Array; atNs: number[] }> } {
    const devs: number[] = [];
    const perStream: Array<{ ssrc: number; devUs: Float64Array; atNs: number[] }> = [];
    let packets = 0;
    let lost = 0;
    let jitterMax = 0;
    let jitterSum = 0;
    let jitterStreams = 0;
    for (const s of series) {
        const bySsrc = new Map<number, { stats: StreamStats; atNs: number[] }>();
        for (const a of s.arrivals) {
            let entry = bySsrc.get(a.ssrc);
            if (!entry) bySsrc.set(a.ssrc, (entry = { stats: new StreamStats(a.ssrc, 96, { encoding: "L16", clockRate: s.clockRate, channels: 1 }), atNs: [] }));
            const v = entry.stats.onRtp({ ssrc: a.ssrc, payloadType: 96, sequenceNumber: a.seq, timestamp: a.timestamp, payloadBytes: 0, arrivalNs: BigInt(Math.round(a.atNs)) });
            if (v.verdict !== "duplicate" && v.verdict !== "invalid") entry.atNs.push(a.atNs);
        }
        for (const [ssrc, { stats, atNs }] of bySsrc) {
            const sum = stats.summary();
            const d = stats.deviationsUs();
            for (const x of d) devs.push(x);
            perStream.push({ ssrc, devUs: d, atNs });
            packets += sum.received;
            lost += sum.missing;
            if (sum.jitter) {
                jitterMax = Math.max(jitterMax, sum.jitter.maxUs);
                jitterSum += sum.jitter.meanUs;
                jitterStreams++;
            }
        }
    }
    const sorted = Float64Array.from(devs).sort();
    const mean = devs.length ? devs.reduce((a, b) => a + b, 0) / devs.length : NaN;
    return {
        packets,
        lost,
        maxDevUs: sorted.length ? sorted[sorted.length - 1] : NaN,
        meanDevUs: mean,
        p99DevUs: percentile(sorted, 99),
        jitterMaxUs: jitterStreams ? jitterMax : NaN,
        jitterMeanUs: jitterStreams ? jitterSum / jitterStreams : NaN,
        perStream,
    };
}

/** A deviation-over-time trace of one stream, at most `points` points: the largest deviation in each time bin. */
export function traceOf(atNs: number[], devUs: Float64Array, points = 1500): Array<{ t: number; dev: number }> {
    if (atNs.length === 0) return [];
    const t0 = atNs[0];
    const span = Math.max(1, atNs[atNs.length - 1] - t0);
    const bins = new Map<number, { t: number; dev: number }>();
    for (let i = 0; i < atNs.length; i++) {
        const b = Math.floor(((atNs[i] - t0) / span) * (points - 1));
        const cur = bins.get(b);
        if (!cur || devUs[i] > cur.dev) bins.set(b, { t: (atNs[i] - t0) / 1e9, dev: devUs[i] });
    }
    return [...bins.values()];
}
