// `ringcast bench --quick` end to end: the report, table and charts are written, figures are sane, and in virtual time the
// two-task design deviates no more than the sequential baseline under storage stalls (a structural comparison only).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Results } from "../tools/bench/run";

const ROOT = path.join(__dirname, "..");

describe("ringcast bench --quick", function () {
    this.timeout(600_000);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "ringcast-bench-test-"));
    let results: Results;
    let stderr = "";

    before(() => {
        const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "ringcast.js"), "bench", "--quick", "--out", out, "--json"], { encoding: "utf8", timeout: 540_000, maxBuffer: 256 * 1024 * 1024 });
        stderr = r.stderr;
        assert.equal(r.status, 0, `bench failed: ${r.stderr}`);
        results = JSON.parse(r.stdout.trim().split("\n").pop()!);
    });
    after(() => fs.rmSync(out, { recursive: true, force: true }));

    it("writes the table, the JSON and each chart as SVG and PNG, with progress on stderr", () => {
        for (const f of ["results.md", "results.json", "deviation-vs-rate.svg", "deviation-vs-rate.png", "jitter-vs-rate.svg", "jitter-vs-rate.png", "deviation-over-time.svg", "deviation-over-time.png"]) {
            assert.ok(fs.statSync(path.join(out, f)).size > 0, `${f} is empty`);
        }
        assert.ok(fs.readFileSync(path.join(out, "deviation-vs-rate.svg"), "utf8").startsWith("<svg"));
        assert.deepEqual([...fs.readFileSync(path.join(out, "deviation-vs-rate.png")).subarray(1, 4)], [0x50, 0x4e, 0x47]);
        assert.match(stderr, /virtual, .*two-task/);
    });

    it("has a row per scenario, sender, stall setting and rate, each in the Markdown table", () => {
        const md = fs.readFileSync(path.join(out, "results.md"), "utf8");
        const scenarios = [...new Set(results.rows.map(r => r.scenario))];
        assert.equal(scenarios.filter(s => s.startsWith("virtual")).length, 2);
        assert.ok(scenarios.some(s => s.startsWith("real time")));
        for (const s of scenarios.filter(x => x.startsWith("virtual"))) {
            const rates = new Set(results.rows.filter(r => r.scenario === s).map(r => r.mbps));
            assert.ok(rates.size >= 2, `${s}: several rates`);
            for (const mbps of rates) for (const design of ["two-task", "sequential"]) for (const stalls of [false, true]) {
                assert.equal(results.rows.filter(r => r.scenario === s && r.mbps === mbps && r.design === design && r.stalls === stalls).length, 1, `${s} ${design} ${stalls} ${mbps}`);
            }
        }
        const tableRows = md.split("\n").filter(l => /^\| (virtual|real time)/.test(l) && l.split("|").length === 15);
        assert.equal(tableRows.length, results.rows.length);
        for (const p of results.peers) assert.ok(p.status === "measured" || p.status === "not installed", p.name);
        assert.ok(results.breaks.length >= 4, "a break point per virtual scenario and design");
    });

    it("reports finite figures wherever packets arrived", () => {
        for (const r of results.rows) {
            assert.ok(r.packets > 0, `${r.scenario} ${r.design}: packets arrived`);
            for (const k of ["maxDevUs", "meanDevUs", "p99DevUs", "jitterMaxUs", "jitterMeanUs"] as const) {
                assert.ok(Number.isFinite(r[k]) && r[k] >= 0, `${r.scenario} ${r.design} ${k} = ${r[k]}`);
            }
            assert.ok(r.meanDevUs <= r.p99DevUs + 1e-6 || r.packets < 100, "mean below p99");
            assert.ok(r.p99DevUs <= r.maxDevUs + 1e-6, "p99 below max");
        }
        const b = results.budget;
        for (const s of b.sendPath) assert.ok(s.packets > 0 && s.instructionsPerPacket > 0 && Number.isFinite(s.bytesPerPacket));
        assert.ok(Number.isFinite(b.heap.driftKiB) && b.heap.packets > 0);
        assert.ok(b.pools.length >= 1 && b.code.every(c => c.bundleBytes > 0 && c.codeBytes > 0));
    });

    it("in virtual time, two-task deviates no more than the sequential baseline under stalls, at every rate", () => {
        const virtual = results.rows.filter(r => r.scenario.startsWith("virtual") && r.stalls);
        for (const two of virtual.filter(r => r.design === "two-task")) {
            const seq = virtual.find(r => r.design === "sequential" && r.scenario === two.scenario && r.mbps === two.mbps)!;
            assert.ok(two.maxDevUs <= seq.maxDevUs, `${two.scenario} at ${two.mbps} Mbit/s: two-task ${two.maxDevUs} µs, sequential ${seq.maxDevUs} µs`);
        }
    });
});
