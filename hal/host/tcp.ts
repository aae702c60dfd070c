// Host TCP server and connections: a real listener (or the simulated network) owned by the Node harness.
import * as bridge from "__rc_bridge";
import { TcpConnection, TcpConnectionCallbacks, TcpServer, TcpServerOptions } from "../interfaces";
import { Ev, Op } from "./wire";

const servers = new LuaTable<number, HostTcpServer>();
const connections = new LuaTable<number, HostTcpConnection>();

export class HostTcpConnection implements TcpConnection {
    private callbacks: TcpConnectionCallbacks = {};
    private open = true;
    private inFlight = false;

    constructor(private readonly id: number, readonly remotePort: number, readonly remoteAddress: string) {
        connections.set(id, this);
    }

    setCallbacks(callbacks: TcpConnectionCallbacks): void {
        this.callbacks = callbacks;
    }

    write(data: string): boolean {
        if (!this.open || this.inFlight) return false;
        this.inFlight = true;
        bridge.send1(Op.tcpWrite, this.id, data);
        return true;
    }

    close(): void {
        if (!this.open) return;
        this.open = false;
        connections.delete(this.id);
        bridge.send1(Op.tcpClose, this.id);
        this.callbacks = {};
    }

    received(data: string): void {
        const f = this.callbacks.onReceive;
        if (f !== undefined) f(data);
    }

    writable(): void {
        this.inFlight = false;
        const f = this.callbacks.onWritable;
        if (f !== undefined) f();
    }

    closedByPeer(): void {
        if (!this.open) return;
        this.open = false;
        connections.delete(this.id);
        const f = this.callbacks.onClose;
        this.callbacks = {};
        if (f !== undefined) f();
    }
}

export class HostTcpServer implements TcpServer {
    readonly port: number;
    private readonly id: number;
    private onConnect?: (this: void, c: TcpConnection) => void;

    constructor(options: TcpServerOptions) {
        this.id = bridge.callNumber(Op.tcpListen, options.port, options.address ?? "0.0.0.0");
        this.port = bridge.readNumber();
        bridge.endLine();
        this.onConnect = options.onConnect;
        servers.set(this.id, this);
    }

    close(): void {
        if (this.onConnect === undefined) return;
        this.onConnect = undefined;
        servers.delete(this.id);
        bridge.send1(Op.tcpServerClose, this.id);
    }

    accept(connection: HostTcpConnection): void {
        const f = this.onConnect;
        if (f !== undefined) f(connection);
        else connection.close();
    }
}

bridge.on(Ev.tcpAccept, id => {
    const connId = bridge.readNumber();
    const port = bridge.readNumber();
    const address = bridge.readLine();
    const server = servers.get(id);
    const conn = new HostTcpConnection(connId, port, address);
    if (server !== undefined) server.accept(conn);
    else conn.close();
});
bridge.on(Ev.tcpData, id => {
    const data = bridge.readBlob();
    const c = connections.get(id);
    if (c !== undefined) c.received(data);
});
bridge.on(Ev.tcpWritable, id => {
    const c = connections.get(id);
    if (c !== undefined) c.writable();
});
bridge.on(Ev.tcpClosed, id => {
    const c = connections.get(id);
    if (c !== undefined) c.closedByPeer();
});
