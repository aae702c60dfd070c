// The SD card through standard io (NodeMCU-ESP32 has no file.open): reads block the Lua task, so onDone runs before read() returns.
import { Storage, StorageFile } from "../interfaces";

type ReadDone = (this: void, pieces: number, error?: string) => void;

export class NodemcuStorageFile implements StorageFile {
    constructor(private f: IoFile | undefined, readonly size: number) {}

    read(offset: number, pieceLength: number, count: number, into: string[], onDone: ReadDone): void {
        const f = this.f;
        if (f === undefined) {
            onDone(0, "file is closed");
            return;
        }
        const [pos, seekError] = f.seek("set", offset);
        if (pos === undefined) {
            onDone(0, seekError ?? "seek failed");
            return;
        }
        const slots = into as (string | undefined)[];
        let filled = 0;
        // One read per piece: each is a pool-sized, sector-aligned request, and no larger string is built to split.
        while (filled < count) {
            const [piece, readError] = f.read(pieceLength);
            if (piece === undefined) {
                if (readError !== undefined) {
                    onDone(filled, readError);
                    return;
                }
                break;
            }
            slots[filled] = piece;
            filled++;
            if (piece.length < pieceLength) break;
        }
        for (let i = filled; i < count; i++) slots[i] = undefined;
        onDone(filled);
    }

    close(): void {
        const f = this.f;
        if (f === undefined) return;
        this.f = undefined;
        f.close();
    }
}

export class NodemcuStorage implements Storage {
    /** Why the card cannot be used (no card, mount failed), or undefined once mounted. */
    problem?: string;

    constructor(private readonly mountPoint: string) {
        this.problem = "SD card not mounted";
    }

    private full(path: string): string {
        return string.sub(path, 1, 1) === "/" ? this.mountPoint + path : `${this.mountPoint}/${path}`;
    }

    open(path: string): LuaMultiReturn<[StorageFile, undefined] | [undefined, string]> {
        if (this.problem !== undefined) return $multi(undefined, this.problem);
        const [f, err] = io.open(this.full(path), "rb");
        if (f === undefined) return $multi(undefined, `${path}: ${err}`);
        const [size, seekError] = f.seek("end");
        if (size === undefined) {
            f.close();
            return $multi(undefined, `${path}: ${seekError}`);
        }
        return $multi(new NodemcuStorageFile(f, size), undefined);
    }

    list(): LuaTable<string, number> {
        const result = new LuaTable<string, number>();
        if (this.problem !== undefined) return result;
        const listed = file.list(this.mountPoint);
        if (listed === undefined) return result;
        const prefix = this.mountPoint + "/";
        for (const [name, size] of listed) {
            // Some builds name entries with the mount point in front: the firmware wants names relative to the card.
            const rel = string.sub(name, 1, prefix.length) === prefix ? string.sub(name, prefix.length + 1) : name;
            result.set(rel, size);
        }
        return result;
    }
}
