// TCP server and connections on net: one send in flight per socket, large writes chained chunk by chunk on "sent".
import { TcpConnection, TcpConnectionCallbacks, TcpServer, TcpServerOptions } from "../interfaces";

/** One segment's worth: lwIP's send buffer takes it whole, so send() does not raise "buffer error" for size. */
const CHUNK = 1460;

function sendVia(c: NetTcpConnection, data: string): void {
    c.send(data);
}

export class NodemcuTcpConnection implements TcpConnection {
    readonly remoteAddress: string;
    readonly remotePort: number;
    private callbacks: TcpConnectionCallbacks = {};
    private c?: NetTcpConnection;
    private pending?: string;
    private offset = 0;

    constructor(c: NetTcpConnection) {
        const [port, ip] = c.getpeer();
        this.remotePort = port;
        this.remoteAddress = ip;
        this.c = c;
        c.on("receive", (_c, data) => {
            const f = this.callbacks.onReceive;
            if (f !== undefined) f(data);
        });
        c.on("sent", () => this.sent());
        c.on("disconnection", () => this.closedByPeer());
    }

    setCallbacks(callbacks: TcpConnectionCallbacks): void {
        this.callbacks = callbacks;
    }

    write(data: string): boolean {
        if (this.c === undefined || this.pending !== undefined) return false;
        this.pending = data;
        this.offset = 0;
        if (this.pump()) return true;
        this.pending = undefined;
        return false;
    }

    /** Sends the next chunk; false when the stack refused it. */
    private pump(): boolean {
        const c = this.c;
        const data = this.pending;
        if (c === undefined || data === undefined) return false;
        const piece = data.length <= CHUNK && this.offset === 0 ? data : string.sub(data, this.offset + 1, this.offset + CHUNK);
        this.offset += piece.length;
        const [ok] = pcall(sendVia, c, piece);
        return ok;
    }

    private sent(): void {
        const data = this.pending;
        if (data === undefined) return;
        if (this.offset < data.length) {
            // A refused chunk midway cannot be taken back: the peer would see a gap, so the connection ends.
            if (!this.pump()) this.fail();
            return;
        }
        this.pending = undefined;
        const f = this.callbacks.onWritable;
        if (f !== undefined) f();
    }

    private fail(): void {
        const c = this.c;
        this.closedByPeer();
        if (c !== undefined) c.close();
    }

    close(): void {
        const c = this.c;
        if (c === undefined) return;
        this.c = undefined;
        this.pending = undefined;
        this.callbacks = {};
        c.close();
    }

    private closedByPeer(): void {
        if (this.c === undefined) return;
        this.c = undefined;
        this.pending = undefined;
        const f = this.callbacks.onClose;
        this.callbacks = {};
        if (f !== undefined) f();
    }
}

export class NodemcuTcpServer implements TcpServer {
    readonly port: number;
    private srv?: NetTcpServer;

    constructor(options: TcpServerOptions) {
        const srv = net.createServer(net.TCP);
        const onConnect = options.onConnect;
        srv.listen(options.port, options.address ?? "0.0.0.0", c => {
            if (this.srv === undefined) c.close();
            else onConnect(new NodemcuTcpConnection(c));
        });
        const [port] = srv.getaddr();
        this.port = port;
        this.srv = srv;
    }

    close(): void {
        const srv = this.srv;
        if (srv === undefined) return;
        this.srv = undefined;
        srv.close();
    }
}
