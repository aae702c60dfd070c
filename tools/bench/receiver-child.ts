// Bench receiver, run as its own process: the probe on an SDP, so arrival times are taken away from the sender's event loop.
import { probe } from "../probe";

interface Ask {
    sdp: string;
    durationS: number;
    idleS: number;
}

process.on("message", (ask: Ask) => {
    probe(ask.sdp, {
        trace: true,
        durationS: ask.durationS,
        timeoutS: ask.idleS,
        onReady: () => process.send!({ ready: true }),
    }).then(
        r => process.send!({ result: { trace: r.trace ?? [], stopReason: r.stopReason } }, () => process.exit(0)),
        e => process.send!({ error: String((e as Error).message ?? e) }, () => process.exit(0)),
    );
});
