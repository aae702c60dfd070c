// The host board's real network: a datagram handed over with a later departure time waits in the departure thread and
// leaves then (never early, in departure order, whatever order it came in); datagrams arriving at the board's socket
// still reach the board; a closed socket's held datagrams never leave.
import { strict as assert } from "assert";
import * as dgram from "dgram";
import { EventSink, RealNetwork } from "../tools/harness/network";
import { freeEvenPortPair } from "./probe-support";

const origin = performance.now();
const nowUs = (): number => (performance.now() - origin) * 1000;

function sink(received: Array<{ id: number; data: string }>): EventSink {
    return {
        nowUs,
        udpReceived: (id, data) => received.push({ id, data: data.toString() }),
        tcpAccepted: () => undefined,
        tcpData: () => undefined,
        tcpWritable: () => undefined,
        tcpClosed: () => undefined,
    };
}

async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
    const by = Date.now() + ms;
    while (!ok()) {
        if (Date.now() > by) throw new Error(`timed out waiting for ${what}`);
        await new Promise(r => setTimeout(r, 5));
    }
}

describe("departure thread", () => {
    it("sends each held datagram at its departure time, in departure order, never early", async () => {
        const received: Array<{ id: number; data: string }> = [];
        const net = new RealNetwork();
        net.attach(sink(received));
        const rxPort = await freeEvenPortPair();
        const rx = dgram.createSocket("udp4");
        const arrivals: Array<{ i: number; atUs: number }> = [];
        rx.on("message", m => arrivals.push({ i: Number(m.toString()), atUs: nowUs() }));
        await new Promise<void>(r => rx.bind(rxPort, "127.0.0.1", r));
        try {
            const boardPort = await freeEvenPortPair();
            const s = net.udpOpen(boardPort, "127.0.0.1");
            assert.ok(!("error" in s));
            await net.ready();
            // Handed over in one burst, out of order: departures 40 ms on, 3 ms apart.
            const order = [3, 0, 7, 1, 5, 2, 11, 4, 9, 6, 10, 8];
            const t0 = nowUs() + 40_000;
            const departUs = (i: number): number => t0 + i * 3000;
            for (const i of order) assert.ok(net.udpSend(s.id, rxPort, "127.0.0.1", Buffer.from(String(i)), departUs(i)));
            await until("12 datagrams", () => arrivals.length === order.length);
            assert.deepEqual(arrivals.map(a => a.i), [...order].sort((a, b) => a - b), "in departure order");
            for (const a of arrivals) {
                // The receiver stamps a datagram after it arrived; one stamped before its departure time left early.
                assert.ok(a.atUs >= departUs(a.i) - 100, `datagram ${a.i} arrived ${(departUs(a.i) - a.atUs).toFixed(0)} µs before its departure time`);
            }

            // A datagram to the board's port reaches the board (the thread's twin socket receives it and passes it on).
            rx.send(Buffer.from("hello board"), boardPort, "127.0.0.1");
            await until("the datagram at the board", () => received.length > 0);
            assert.deepEqual(received, [{ id: s.id, data: "hello board" }]);

            // Closed while its datagram waits: the datagram never leaves.
            const before = arrivals.length;
            assert.ok(net.udpSend(s.id, rxPort, "127.0.0.1", Buffer.from("99"), nowUs() + 100_000));
            net.udpClose(s.id);
            await new Promise(r => setTimeout(r, 300));
            assert.equal(arrivals.length, before, "nothing from a closed socket");
        } finally {
            net.close();
            rx.close();
        }
    });

    it("sends at once what is handed over without a later departure time", async () => {
        const net = new RealNetwork();
        net.attach(sink([]));
        const rxPort = await freeEvenPortPair();
        const rx = dgram.createSocket("udp4");
        const got: string[] = [];
        rx.on("message", m => got.push(m.toString()));
        await new Promise<void>(r => rx.bind(rxPort, "127.0.0.1", r));
        try {
            const s = net.udpOpen(0, "127.0.0.1");
            assert.ok(!("error" in s));
            const sentAt = nowUs();
            net.udpSend(s.id, rxPort, "127.0.0.1", Buffer.from("now"), 0);
            net.udpSend(s.id, rxPort, "127.0.0.1", Buffer.from("past"), sentAt - 1000);
            await until("both datagrams", () => got.length === 2);
            assert.deepEqual(got, ["now", "past"]);
        } finally {
            net.close();
            rx.close();
        }
    });
});
