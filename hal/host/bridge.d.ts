// The Lua half of the Node harness bridge (tools/harness/bridge.lua), as the host HAL sees it.
/** @noSelfInFile */

/** @noResolution */
declare module "__rc_bridge" {
    export function send0(op: string, blob?: string): void;
    export function send1(op: string, a: string | number, blob?: string): void;
    export function send2(op: string, a: string | number, b: string | number, blob?: string): void;
    export function send3(op: string, a: string | number, b: string | number, c: string | number, blob?: string): void;
    export function send4(op: string, a: string | number, b: string | number, c: string | number, d: string | number, blob?: string): void;
    export function callNumber(op: string, args: string | number, blob?: string): number;
    export function callLine(op: string, args: string | number, blob?: string): string;
    /** Inside an event handler: the next number of the frame. */
    export function readNumber(): number;
    /** Inside an event handler: the rest of the current line after one separator. */
    export function readLine(): string;
    /** Consumes the rest of an answer line. */
    export function endLine(): void;
    /** Inside an event handler: a "<len>\n<bytes>" blob. */
    export function readBlob(): string;
    export function on(kind: number, handler: (id: number) => void): void;
}
