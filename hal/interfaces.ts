// The IO contract between the firmware and a board: one small class per IO, built from an options object with callbacks.
// Implemented by hal/nodemcu (the real board) and hal/host (the Wasm harness on a laptop or in tests).
// Rules for every class: close() is idempotent and cancels pending callbacks; calls after close() are no-ops that report failure.

/** Monotonic clock in microseconds since boot. Numbers are exact integers up to 2^53 on double builds. */
export interface Clock {
    nowUs(): number;
}

/** A one-shot alarm on the board's clock. The board may fire late by up to its tick (boards/<id>.board.json timerTickUs). */
export interface TimerOptions {
    onFire: (this: void) => void;
}
export interface Timer {
    /** Arm (or re-arm) the alarm for absolute time `atUs`; a time in the past fires as soon as possible. */
    at(atUs: number): void;
    cancel(): void;
    close(): void;
}

export interface UdpSocketOptions {
    /** Local port to bind; 0 or absent picks an ephemeral port. */
    port?: number;
    address?: string;
    onReceive?: (this: void, data: string, port: number, address: string) => void;
}
export interface UdpSocket {
    readonly port: number;
    /**
     * Sends one datagram. Returns false when the stack refused it (the error is swallowed, as a pcall-guarded send on the
     * board). `departUs`, a time on the board's clock, asks for the datagram to leave no earlier than that (a launch time,
     * as Linux's SO_TXTIME): the host board's socket holds it until then; NodeMCU's sends at once (its sender runs no lead).
     */
    send(port: number, address: string, data: string, departUs?: number): boolean;
    /** Joins a multicast group on all interfaces (receive side only; sending needs no join). */
    joinMulticast(group: string): void;
    close(): void;
}

/** One accepted TCP connection. One write may be in flight at a time: write() again only after onWritable. */
export interface TcpConnectionCallbacks {
    onReceive?: (this: void, data: string) => void;
    onWritable?: (this: void) => void;
    onClose?: (this: void) => void;
}
export interface TcpConnection {
    readonly remoteAddress: string;
    readonly remotePort: number;
    setCallbacks(callbacks: TcpConnectionCallbacks): void;
    /** Queues bytes for sending. Returns false if a write is still in flight or the connection is closed. */
    write(data: string): boolean;
    close(): void;
}
export interface TcpServerOptions {
    port: number;
    address?: string;
    onConnect: (this: void, connection: TcpConnection) => void;
}
export interface TcpServer {
    readonly port: number;
    close(): void;
}

/** A file on the card, opened for reading. */
export interface StorageFile {
    readonly size: number;
    /**
     * Reads `count` consecutive pieces of `pieceLength` bytes starting at `offset` into into[0..count-1]
     * (the last piece may be short, pieces past the end are set to undefined), then calls onDone with the
     * number of pieces filled, or with an error. Boards whose storage blocks call onDone before read() returns.
     */
    read(offset: number, pieceLength: number, count: number, into: string[], onDone: (this: void, pieces: number, error?: string) => void): void;
    close(): void;
}
export interface Storage {
    /** Opens a file for reading; returns undefined and a reason when it cannot. */
    open(path: string): LuaMultiReturn<[StorageFile, undefined] | [undefined, string]>;
    /** Lists the files on the card: name -> size in bytes. */
    list(): LuaTable<string, number>;
}

/** Everything a board hands the firmware at boot. */
export interface Hal {
    readonly clock: Clock;
    readonly storage: Storage;
    createTimer(options: TimerOptions): Timer;
    createUdpSocket(options: UdpSocketOptions): UdpSocket;
    createTcpServer(options: TcpServerOptions): TcpServer;
    /** Board's own address on the LAN, once known (for SDP origin lines). */
    localAddress(): string;
    /** Writes a line to the console (NodeMCU print / host stdout). */
    log(line: string): void;
    /** Returns the Lua heap in KiB and the board's free system heap in bytes (0 when unknown). */
    memory(): LuaMultiReturn<[number, number]>;
    /** A random 32-bit unsigned integer for SSRCs and sequence origins. */
    random32(): number;
}
