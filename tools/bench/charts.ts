// Bench charts: Vega-Lite specs rendered to SVG by Vega (headless) and to PNG by resvg; nothing drawn by hand.
import * as fs from "fs";
import * as path from "path";
import type { Results } from "./run";

// Vega ships as ES modules with top-level await: a native import(), which the TypeScript loader would turn into require().
const load = new Function("m", "return import(m)") as (m: string) => Promise<any>;

/** Log axes cannot show zero: figures below 1 µs are drawn at 1 µs (the table has the exact values). */
const floor1 = (us: number): number => (Number.isFinite(us) ? Math.max(1, us) : 1);

async function render(spec: object, file: string): Promise<string[]> {
    const vega = await load("vega");
    const vl = await load("vega-lite");
    const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
    const svg: string = await view.toSVG();
    view.finalize();
    const { Resvg } = await import("@resvg/resvg-js");
    const png = new Resvg(svg, { background: "white", fitTo: { mode: "zoom", value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" } }).render().asPng();
    fs.writeFileSync(file + ".svg", svg);
    fs.writeFileSync(file + ".png", png);
    return [file + ".svg", file + ".png"];
}

const sender = (design: string, stalls: boolean): string => `${design}${stalls ? " + stalls" : ""}`;

/** Like the seed's Fig. 3: deviation (or jitter) against rate per sender, one panel per scenario; crosses mark drops or loss. */
function vsRateSpec(r: Results, field: "maxDevUs" | "jitterMaxUs", title: string): object {
    const values = r.rows.map(row => ({
        scenario: row.scenario,
        sender: sender(row.design, row.stalls),
        mbps: row.mbps,
        value: floor1(row[field]),
        delivery: row.dropped + row.lost > 0 ? "dropped or lost" : "complete",
    }));
    return {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        title: { text: title, subtitle: `ringcast bench${r.options.quick ? " --quick" : ""}, ${r.date}` },
        data: { values },
        facet: { column: { field: "scenario", type: "nominal", title: null, sort: [...new Set(r.rows.map(x => x.scenario))] } },
        spec: {
            width: 260,
            height: 240,
            layer: [
                { mark: { type: "line" }, encoding: { x: { field: "mbps", type: "quantitative", scale: { type: "log" }, title: "aggregate rate (Mbit/s)" }, y: { field: "value", type: "quantitative", scale: { type: "log" }, title: `${title} (µs, log)` }, color: { field: "sender", type: "nominal" }, strokeDash: { field: "sender", type: "nominal" } } },
                { mark: { type: "point", filled: true, size: 60 }, encoding: { x: { field: "mbps", type: "quantitative" }, y: { field: "value", type: "quantitative" }, color: { field: "sender", type: "nominal" }, shape: { field: "delivery", type: "nominal", scale: { domain: ["complete", "dropped or lost"], range: ["circle", "cross"] } } } },
            ],
        },
        resolve: { scale: { x: "independent" } },
    };
}

/** Deviation of each packet of one stream over time, two-task against sequential with stalls; rules mark the stalls. */
function traceSpec(r: Results): object {
    // One data set (a facet cannot give its layers their own data): packets and stall marks told apart by `kind`.
    const values: object[] = [];
    for (const t of r.traces) {
        for (const p of t.points) values.push({ kind: "packet", scenario: t.scenario, sender: sender(t.design, t.stalls), t: p.t, dev: floor1(p.dev) });
        for (const s of t.stallTimes) values.push({ kind: "stall", scenario: t.scenario, t: s });
    }
    return {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        title: { text: "Deviation from the media clock over time, 100 ms storage stalls each second", subtitle: `one ${r.traceMbps.toFixed(2)} Mbit/s stream; grey rules: stalls injected` },
        data: { values },
        facet: { row: { field: "scenario", type: "nominal", title: null, sort: [...new Set(r.traces.map(x => x.scenario))] } },
        spec: {
            width: 640,
            height: 180,
            layer: [
                { transform: [{ filter: "datum.kind === 'stall'" }], mark: { type: "rule", color: "#bbb" }, encoding: { x: { field: "t", type: "quantitative" } } },
                { transform: [{ filter: "datum.kind === 'packet'" }], mark: { type: "line", interpolate: "step-after" }, encoding: { x: { field: "t", type: "quantitative", title: "time since first packet (s)" }, y: { field: "dev", type: "quantitative", scale: { type: "log" }, title: "deviation (µs, log)" }, color: { field: "sender", type: "nominal" } } },
            ],
        },
        resolve: { scale: { x: "independent" } },
    };
}

/** Writes the charts to `dir`; returns the files written. */
export async function writeCharts(r: Results, dir: string): Promise<string[]> {
    fs.mkdirSync(dir, { recursive: true });
    return [
        ...(await render(vsRateSpec(r, "maxDevUs", "Max deviation from the media clock against rate"), path.join(dir, "deviation-vs-rate"))),
        ...(await render(vsRateSpec(r, "jitterMaxUs", "Max RFC 3550 jitter against rate"), path.join(dir, "jitter-vs-rate"))),
        ...(await render(traceSpec(r), path.join(dir, "deviation-over-time"))),
    ];
}
