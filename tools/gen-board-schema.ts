// Generates boards/board.schema.json from the Board interface in boards/board.ts (run: npm run schema).
import * as fs from "fs";
import * as path from "path";
import * as TJS from "typescript-json-schema";
import { BOARDS_DIR } from "./boards";

export const SCHEMA_FILE = path.join(BOARDS_DIR, "board.schema.json");
const SOURCE = path.join(BOARDS_DIR, "board.ts");

// Like DeviceScript's dcfg/regen.sh: unknown keys are errors (typos must not pass silently),
// optional-ness comes from the interface, and numbers are integers (pins, bytes, µs) unless annotated.
const SETTINGS: TJS.PartialArgs = { noExtraProps: true, required: true, defaultNumberType: "integer", ignoreErrors: false };

// `#`-keys are comments and `$`-keys are for tooling; they may appear in any object of a board file.
const COMMENT_AND_TOOLING_KEYS = { "^#": {}, "^\\$": {} };

function allowCommentKeys(node: unknown): void {
    if (Array.isArray(node)) return node.forEach(allowCommentKeys);
    if (!node || typeof node !== "object") return;
    const obj = node as Record<string, unknown>;
    if (obj.type === "object" && "additionalProperties" in obj) {
        obj.patternProperties = { ...COMMENT_AND_TOOLING_KEYS, ...(obj.patternProperties as object | undefined) };
    }
    Object.values(obj).forEach(allowCommentKeys);
}

/** The schema as text, exactly as it is committed. */
export function generateBoardSchema(): string {
    const program = TJS.getProgramFromFiles([SOURCE], { strict: true, skipLibCheck: true, types: [] });
    const schema = TJS.generateSchema(program, "Board", SETTINGS);
    if (!schema) throw new Error(`cannot generate a schema from ${path.relative(process.cwd(), SOURCE)}`);
    allowCommentKeys(schema);
    const { $schema, ...rest } = schema as Record<string, unknown>;
    const out = { $schema, $comment: "Generated from boards/board.ts by tools/gen-board-schema.ts (npm run schema); do not edit.", ...rest };
    return JSON.stringify(out, null, 2) + "\n";
}

if (require.main === module) {
    fs.writeFileSync(SCHEMA_FILE, generateBoardSchema());
    console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}
