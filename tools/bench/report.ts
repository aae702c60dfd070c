// The bench report as Markdown: the sweep table, break points, peers, the board budget, and the charts beside it.
import type { Results, Row } from "./run";
import { targetsMarkdown } from "./host-targets";

const us = (x: number): string => (Number.isFinite(x) ? (x >= 10000 ? `${(x / 1000).toFixed(0)} ms` : x >= 1000 ? `${(x / 1000).toFixed(1)} ms` : `${x.toFixed(0)} µs`) : "–");
const mb = (x: number | null): string => (x === null ? "–" : x.toFixed(2));

function rowLine(r: Row): string {
    return `| ${r.scenario} | ${r.design}${r.stalls ? " + stalls" : ""} | ${r.mbps.toFixed(2)} | ${r.streams} | ${r.packets}/${r.expected} | ${r.dropped} | ${r.lost} | ${us(r.maxDevUs)} | ${us(r.meanDevUs)} | ${us(r.p99DevUs)} | ${us(r.jitterMaxUs)} | ${us(r.jitterMeanUs)} | ${r.ok ? "yes" : "no"} |`;
}

export function markdown(r: Results, command: string): string {
    const out: string[] = [];
    out.push(`# ringcast bench — ${r.date}`, "");
    out.push(`\`${command}\` on ${r.machine.cpus} × ${r.machine.model}, Node ${r.machine.node}, load average ${r.machine.loadAverage.join(" / ")} at the end (real-time figures depend on it).`, "");
    out.push("Deviation: each packet's arrival (virtual: departure off the simulated wire) minus its media time, against the earliest; jitter: RFC 3550 A.8; both by the probe's StreamStats, per stream, pooled. *ok*: nothing dropped or lost, every packet of the files received, max deviation within the send period. Stalls: the first card read in each second waits 100 ms more.", "");
    out.push("| scenario | sender | Mbit/s | streams | received/in files | dropped (stale) | lost | max dev | mean dev | p99 dev | max jitter | mean jitter | ok |");
    out.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const row of r.rows) out.push(rowLine(row));
    out.push(...targetsMarkdown(r.targets));
    out.push("", "## Where it breaks", "", "Highest aggregate rate (stereo L16 streams of at most 192 kHz, no stalls) that passed *ok*, by geometric bisection from 0.1 Mbit/s up (the rates tried are listed).", "");
    out.push("| scenario | sender | passes up to (Mbit/s) | fails from (Mbit/s) | rates tried |", "|---|---|---|---|---|");
    for (const b of r.breaks) out.push(`| ${b.scenario} | ${b.design} | ${mb(b.passMbps)} | ${mb(b.failMbps)} | ${b.tried.map(t => `${t.mbps.toFixed(2)}${t.ok ? "✓" : "✗"}`).join(" ")} |`);
    out.push("", "## Peers", "", ...r.peers.map(p => `- ${p.name}: ${p.status}`));
    out.push("", "## Board budget", "", "Send path (`sendDue`, sinks quiet so the HAL is not counted): exact VM instructions (count hook per instruction, hook cost subtracted) and bytes allocated (collector stopped) per packet handled, idle wake-ups included.", "");
    out.push("| board timing | Lua | stream | packets | instructions/packet | bytes allocated/packet |", "|---|---|---|---|---|---|");
    const boardOf = (i: number): string => (i < 2 ? r.options.board : "host");
    r.budget.sendPath.forEach((s, i) => out.push(`| ${boardOf(i)} | ${s.lua} | ${s.media} | ${s.packets} | ${s.instructionsPerPacket.toFixed(0)} | ${s.bytesPerPacket.toFixed(0)} |`));
    const h = r.budget.heap;
    out.push("", `Heap drift on ${r.options.board} (its own budget), one 16 kHz mono stream, ${h.minutes} virtual minutes, ${h.packets} packets: ${h.warmKiB.toFixed(1)} KiB after the first tenth, ${h.lastKiB.toFixed(1)} KiB at the end (${h.driftKiB >= 0 ? "+" : ""}${h.driftKiB.toFixed(2)} KiB).`, "");
    out.push("| board | pool bytes | buffers × bytes | bytes per read | buffers one CD stream takes | CD streams admitted | first refusal |", "|---|---|---|---|---|---|---|");
    for (const p of r.budget.pools) out.push(`| ${p.board} | ${p.poolBytes} | ${p.buffers} × ${p.bufferBytes} | ${p.readBytes} | ${p.cdBuffers ?? "–"} | ${p.cdStreams} | ${p.refusal || "–"} |`);
    out.push("", "| board | Lua | bundle bytes | code budget | fits |", "|---|---|---|---|---|");
    for (const c of r.budget.code) out.push(`| ${c.board} | ${c.lua} | ${c.bundleBytes} | ${c.codeBytes} | ${c.bundleBytes <= c.codeBytes ? "yes" : "no"} |`);
    out.push("", "## Charts", "", "![deviation against rate](deviation-vs-rate.png)", "", "![jitter against rate](jitter-vs-rate.png)", "", "![deviation over time](deviation-over-time.png)", "");
    return out.join("\n");
}
