// The committed boards/board.schema.json is what tools/gen-board-schema.ts makes from boards/board.ts (run `npm run schema`).
import { strict as assert } from "node:assert";
import * as fs from "fs";
import { SCHEMA_FILE, generateBoardSchema } from "../tools/gen-board-schema";

describe("board schema is generated", () => {
    it("matches a fresh generation from boards/board.ts", () => {
        const committed = fs.readFileSync(SCHEMA_FILE, "utf8");
        assert.ok(committed === generateBoardSchema(), "boards/board.schema.json is stale: run `npm run schema` and commit it");
    });

    it("rejects unknown keys but allows `#` comments and `$` tooling keys everywhere", () => {
        const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"));
        const objects = [schema, ...Object.values(schema.definitions as Record<string, object>)];
        for (const o of objects as Array<Record<string, unknown>>) {
            assert.equal(o.additionalProperties, false);
            assert.deepEqual(Object.keys(o.patternProperties as object), ["^#", "^\\$"]);
        }
    });
});
