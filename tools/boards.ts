// Loads boards/<id>.board.json and checks it against boards/board.schema.json and the cross-field rules, with one-line errors.
import * as fs from "fs";
import * as path from "path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import type { Board } from "../boards/board";
import { crossFieldProblems } from "./board-checks";

export const BOARDS_DIR = path.join(__dirname, "..", "boards");

/** A board file that cannot be used; the message is one line naming the file and the field. */
export class BoardError extends Error {}

const SUFFIX = ".board.json";

export function boardIds(dir: string = BOARDS_DIR): string[] {
    return fs
        .readdirSync(dir)
        .filter(f => f.endsWith(SUFFIX))
        .map(f => f.slice(0, -SUFFIX.length))
        .sort();
}

/** Reads, parses and validates one board; `dir` is for tests that keep bad boards elsewhere. */
export function loadBoard(id: string, dir: string = BOARDS_DIR): Board {
    const file = path.join(dir, `${id}${SUFFIX}`);
    if (!/^[a-z0-9-]+$/.test(id) || !fs.existsSync(file)) {
        throw new BoardError(`unknown board '${id}'; known boards: ${boardIds(dir).join(", ")}`);
    }
    const label = fileLabel(file);
    const board = validateBoardObject(parseJson(fs.readFileSync(file, "utf8"), label), label);
    if (board.id !== id) throw new BoardError(`${label}: id must be "${id}", the file name (got "${board.id}")`);
    return board;
}

/** Every board in `dir`, validated; the first bad file throws. */
export function loadBoards(dir: string = BOARDS_DIR): Board[] {
    return boardIds(dir).map(id => loadBoard(id, dir));
}

/** Checks a parsed board against the schema and the cross-field rules; `fileLabel` starts every message. */
export function validateBoardObject(obj: unknown, fileLabel: string): Board {
    const validate = schemaValidator();
    if (!validate(obj)) throw new BoardError(`${fileLabel}: ${unique((validate.errors ?? []).map(e => describeError(e, obj))).join("; ")}`);
    const problems = crossFieldProblems(obj as Board);
    if (problems.length) throw new BoardError(`${fileLabel}: ${problems.join("; ")}`);
    return obj as Board;
}

let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
    if (!compiled) {
        const schema = JSON.parse(fs.readFileSync(path.join(BOARDS_DIR, "board.schema.json"), "utf8"));
        compiled = new Ajv({ allErrors: true, verbose: true }).compile(schema);
    }
    return compiled;
}

/** Paths under the repository read as `boards/x.board.json`; others (temp dirs) stay absolute. */
function fileLabel(file: string): string {
    const rel = path.relative(path.join(BOARDS_DIR, ".."), file);
    return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/");
}

function parseJson(text: string, label: string): unknown {
    try {
        return JSON.parse(text);
    } catch (e) {
        const message = (e as Error).message;
        const at = /at position (\d+)/.exec(message);
        const pos = at ? Number(at[1]) : text.length;
        const before = text.slice(0, pos).split("\n");
        const what = message.replace(/\s*in JSON at position \d+.*$/, "").replace(/^Unexpected end of JSON input$/, "unexpected end of file");
        throw new BoardError(`${label}: malformed JSON at line ${before.length}, column ${before[before.length - 1].length + 1}: ${what}`);
    }
}

/** `/budget/poolBytes` → `budget.poolBytes`, `/serial/usbVendorIds/0` → `serial.usbVendorIds[0]`. */
function fieldPath(pointer: string, child?: string): string {
    const parts = pointer.split("/").slice(1).map(s => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    if (child !== undefined) parts.push(child);
    return parts.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), "");
}

function valueAt(obj: unknown, pointer: string): unknown {
    return pointer
        .split("/")
        .slice(1)
        .reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined), obj);
}

function shown(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function describeError(e: ErrorObject, obj: unknown): string {
    const field = fieldPath(e.instancePath) || "the board";
    const got = ` (got ${shown(valueAt(obj, e.instancePath))})`;
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
        case "required":
            return `${fieldPath(e.instancePath, String(params.missingProperty))} is missing`;
        case "additionalProperties": {
            const known = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
            const hint = known.length ? `known: ${known.join(", ")}` : "no fields but `#` comments";
            return `${fieldPath(e.instancePath, String(params.additionalProperty))} is not a known field (${hint})`;
        }
        case "type":
            return `${field} must be ${params.type === "integer" ? "an integer" : `a ${params.type}`}${got}`;
        case "enum":
            return `${field} must be one of ${(params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(", ")}${got}`;
        case "pattern":
            return `${field} must match ${params.pattern}${got}`;
        default:
            return `${field} ${e.message}${got}`;
    }
}

function unique(lines: string[]): string[] {
    return [...new Set(lines)];
}
