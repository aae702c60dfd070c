// Parses the byte stream Lua writes to the bridge into frames "<op> <args...> <bloblen>\n<blob>", byte by byte.

export type FrameHandler = (op: string, args: string[], blob: Uint8Array) => void;

const NEWLINE = 10;
const MAX_HEADER = 4096;

export class FrameReader {
    private header = new Uint8Array(MAX_HEADER);
    private headerLen = 0;
    private blob = new Uint8Array(65536);
    private blobLen = 0;
    private blobWant = -1; // -1 while reading the header
    private op = "";
    private args: string[] = [];

    constructor(private readonly onFrame: FrameHandler) {}

    reset(): void {
        this.headerLen = 0;
        this.blobLen = 0;
        this.blobWant = -1;
    }

    push(b: number): void {
        if (this.blobWant < 0) {
            if (b !== NEWLINE) {
                if (this.headerLen >= MAX_HEADER) throw new Error("bridge: frame header too long");
                this.header[this.headerLen++] = b;
                return;
            }
            const text = Buffer.from(this.header.buffer, 0, this.headerLen).toString("latin1");
            this.headerLen = 0;
            const parts = text.split(" ");
            const want = Number(parts[parts.length - 1]);
            if (parts.length < 2 || !Number.isInteger(want) || want < 0) throw new Error(`bridge: malformed frame header '${text.slice(0, 80)}'`);
            this.op = parts[0];
            this.args = parts.slice(1, -1);
            this.blobWant = want;
            this.blobLen = 0;
            if (want > this.blob.length) this.blob = new Uint8Array(Math.max(want, this.blob.length * 2));
            if (want === 0) this.finish();
            return;
        }
        this.blob[this.blobLen++] = b;
        if (this.blobLen === this.blobWant) this.finish();
    }

    private finish(): void {
        const blob = this.blob.subarray(0, this.blobLen);
        this.blobWant = -1;
        this.onFrame(this.op, this.args, blob);
    }
}
