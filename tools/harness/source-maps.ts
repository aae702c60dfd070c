// Maps "file.lua:LINE" positions in Lua errors back to the TypeScript source, using the maps the build writes.
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import * as fs from "fs";
import * as path from "path";

export class SourceMaps {
    private cache = new Map<string, TraceMap | null>();

    constructor(private readonly buildDir: string) {}

    private load(chunk: string): TraceMap | null {
        let m = this.cache.get(chunk);
        if (m !== undefined) return m;
        const file = path.join(this.buildDir, chunk + ".map");
        m = null;
        if (fs.existsSync(file)) {
            try {
                m = new TraceMap(fs.readFileSync(file, "utf8"));
            } catch {
                m = null;
            }
        }
        this.cache.set(chunk, m);
        return m;
    }

    /** "firmware/x.ts:12" for a Lua position, or undefined when no map covers it. */
    map(chunk: string, line: number): string | undefined {
        const m = this.load(chunk);
        if (!m) return undefined;
        for (let column = 0; column < 200; column += 4) {
            const pos = originalPositionFor(m, { line, column });
            if (pos.source && pos.line) {
                const abs = path.resolve(this.buildDir, path.dirname(chunk), pos.source);
                return `${this.relative(abs)}:${pos.line}`;
            }
        }
        return undefined;
    }

    private relative(abs: string): string {
        const root = path.join(__dirname, "..", "..");
        return path.relative(root, abs).split(path.sep).join("/");
    }
}
