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

export class HostStorageFile implements StorageFile {
    private open = true;
    private pendingInto?: string[];
    private pendingCount = 0;
    private pendingDone?: ReadDone;

    constructor(private readonly id: number, readonly size: number) {
        files.set(id, this);
    }

    read(offset: number, pieceLength: number, count: number, into: string[], onDone: ReadDone): void {
        if (!this.open) {
            onDone(0, "file is closed");
            return;
        }
        bridge.send4(Op.fileRead, this.id, offset, pieceLength, count);
        const answer = bridge.readNumber();
        if (answer !== ReadAnswer.failed) bridge.endLine();
        if (answer === ReadAnswer.pending) {
            this.pendingInto = into;
            this.pendingCount = count;
            this.pendingDone = onDone;
        } else {
            this.complete(answer, into, count, onDone);
        }
    }

    complete(answer: number, into: string[], count: number, onDone: ReadDone): void {
        if (answer === ReadAnswer.failed) {
            onDone(0, bridge.readLine());
            return;
        }
        fill(into, answer, count);
        onDone(answer);
    }

    finishPending(answer: number): void {
        const into = this.pendingInto;
        const done = this.pendingDone;
        this.pendingInto = undefined;
        this.pendingDone = undefined;
        if (into === undefined || done === undefined || !this.open) {
            // Consume the frame anyway so the next event starts where it should.
            if (answer === ReadAnswer.failed) bridge.readLine();
            else for (let i = 0; i < answer; i++) bridge.readBlob();
            return;
        }
        this.complete(answer, into, this.pendingCount, done);
    }

    close(): void {
        if (!this.open) return;
        this.open = false;
        this.pendingInto = undefined;
        this.pendingDone = undefined;
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

bridge.on(Ev.readDone, id => {
    const answer = bridge.readNumber();
    const f = files.get(id);
    if (f !== undefined) f.finishPending(answer);
    else if (answer === ReadAnswer.failed) bridge.readLine();
    else for (let i = 0; i < answer; i++) bridge.readBlob();
});
