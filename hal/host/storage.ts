// Host storage: a folder plays the SD card; the harness answers reads at once (simulated blocking card) or later (async).
import * as bridge from "__rc_bridge";
import { Storage, StorageFile } from "../interfaces";
import { Ev, Op, ReadAnswer } from "./wire";

type ReadDone = (pieces: number, error?: string) => void;
const files = new LuaTable<number, HostStorageFile>();

function fill(into: string[], pieces: number, count: number): void {
    for (let i = 0; i < pieces; i++) into[i] = bridge.readBlob();
    for (let i = pieces; i < count; i++) (into as (string | undefined)[])[i] = undefined;
}

function complete(answer: number, into: string[], count: number, onDone: ReadDone): void {
    if (answer === ReadAnswer.failed) {
        onDone(0, bridge.readLine());
        return;
    }
    fill(into, answer, count);
    onDone(answer);
}

/** Reads the harness has not answered yet, by read id: answers may come back in any order. */
interface PendingRead {
    file: HostStorageFile;
    into: string[];
    count: number;
    done: ReadDone;
}
const pending = new LuaTable<number, PendingRead>();
let nextReadId = 1;

export class HostStorageFile implements StorageFile {
    private open = true;

    constructor(private readonly id: number, readonly size: number) {
        files.set(id, this);
    }

    get isOpen(): boolean {
        return this.open;
    }

    read(offset: number, pieceLength: number, count: number, into: string[], onDone: ReadDone): void {
        if (!this.open) {
            onDone(0, "file is closed");
            return;
        }
        const readId = nextReadId++;
        bridge.send4(Op.fileRead, this.id, offset, pieceLength, count, tostring(readId));
        const answer = bridge.readNumber();
        if (answer !== ReadAnswer.failed) bridge.endLine();
        if (answer === ReadAnswer.pending) pending.set(readId, { file: this, into, count, done: onDone });
        else complete(answer, into, count, onDone);
    }

    close(): void {
        if (!this.open) return;
        this.open = false;
        files.delete(this.id);
        bridge.send1(Op.fileClose, this.id);
    }
}

export class HostStorage implements Storage {
    open(path: string): LuaMultiReturn<[StorageFile, undefined] | [undefined, string]> {
        const id = bridge.callNumber(Op.fileOpen, 0, path);
        if (id < 0) return $multi(undefined, bridge.readLine());
        const size = bridge.readNumber();
        bridge.endLine();
        return $multi(new HostStorageFile(id, size), undefined);
    }

    list(): LuaTable<string, number> {
        const result = new LuaTable<string, number>();
        const n = bridge.callNumber(Op.list, 0);
        for (let i = 0; i < n; i++) {
            const name = bridge.readBlob();
            result.set(name, bridge.readNumber());
        }
        bridge.endLine();
        return result;
    }
}

bridge.on(Ev.readDone, readId => {
    const answer = bridge.readNumber();
    const p = pending.get(readId);
    pending.delete(readId);
    if (p !== undefined && p.file.isOpen) {
        complete(answer, p.into, p.count, p.done);
        return;
    }
    // Nobody waits for it any more (the file was closed): consume the frame so the next event starts where it should.
    if (answer === ReadAnswer.failed) bridge.readLine();
    else for (let i = 0; i < answer; i++) bridge.readBlob();
});
