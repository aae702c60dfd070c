// The board's lwIP as real sockets on the laptop (loopback in tests): UDP with multicast, a TCP server with "sent" events.
import * as dgram from "dgram";
import * as net from "net";
import type { LuaVm } from "../harness/lua-vm";

/** What the network needs from the board: raising events on the Lua task at a priority. */
export interface NetEvents {
    udp(id: number, data: Buffer, port: number, ip: string): void;
    accept(serverId: number, connId: number, port: number, ip: string): void;
    data(connId: number, data: Buffer): void;
    sent(connId: number): void;
    closed(connId: number): void;
    log(line: string): void;
}

/** lwIP's TCP_SND_BUF in ESP-IDF (4 × MSS): a send that does not fit raises "buffer error" on the board. */
const TCP_SND_BUF = 5744;

/** Ports held by any emulated board in this process: boards share the laptop's stack, so their picks must not clash. */
const held = new Set<number>();

export class EmulatedNet {
    private nextId = 1;
    private udp = new Map<number, dgram.Socket>();
    private servers = new Map<number, net.Server>();
    private conns = new Map<number, net.Socket>();
    private groups = new Set<string>();
    private usedPorts = new Set<number>();

    private hold(p: number): void {
        this.usedPorts.add(p);
        held.add(p);
    }

    /** Address the sockets bind to when the firmware asks for 0.0.0.0 (loopback keeps tests off the LAN). */
    constructor(private readonly events: NetEvents, private readonly bindAddress = "127.0.0.1") {}

    /** Node binds asynchronously, so ports the firmware leaves to lwIP are picked here, from the dynamic range. */
    private ephemeral(): number {
        for (;;) {
            const p = 49152 + Math.floor(Math.random() * 16000);
            if (!held.has(p)) return p;
        }
    }

    private addr(ip: string): string {
        return ip === "0.0.0.0" ? this.bindAddress : ip;
    }

    wire(vm: LuaVm): void {
        const answer = (s: string): void => vm.feed(s);
        const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
        vm.handle("Uo", ([port], blob) => {
            const p = Number(port) || this.ephemeral();
            const id = this.nextId++;
            const sock = dgram.createSocket({ type: "udp4", reuseAddr: true });
            sock.on("message", (msg, r) => this.events.udp(id, msg, r.port, r.address));
            sock.on("error", e => this.events.log(`udp ${p}: ${e.message}`));
            sock.bind(p, this.addr(text(blob)), () => {
                for (const g of this.groups) this.join(sock, g);
            });
            this.udp.set(id, sock);
            this.hold(p);
            answer(`1 ${id} ${p}\n`);
        });
        vm.handle("UU", ([id, port, ip], blob) => {
            const sock = this.udp.get(Number(id));
            if (!sock) return answer("0 not connected\n");
            sock.send(Buffer.from(blob), Number(port), ip, err => err && this.events.log(`udp send: ${err.message}`));
            answer("1\n");
        });
        vm.handle("Uj", (_a, blob) => {
            const g = text(blob);
            this.groups.add(g);
            for (const s of this.udp.values()) this.join(s, g);
        });
        vm.handle("Ux", ([id]) => {
            this.udp.get(Number(id))?.close();
            this.udp.delete(Number(id));
        });
        vm.handle("Sl", ([port], blob) => {
            const p = Number(port) || this.ephemeral();
            const id = this.nextId++;
            const server = net.createServer(sock => this.accepted(id, sock));
            server.on("error", e => this.events.log(`tcp listen ${p}: ${e.message}`));
            server.listen(p, this.addr(text(blob)));
            this.servers.set(id, server);
            this.hold(p);
            answer(`1 ${id} ${p}\n`);
        });
        vm.handle("Sc", ([id]) => {
            this.servers.get(Number(id))?.close();
            this.servers.delete(Number(id));
        });
        vm.handle("Cw", ([id], blob) => {
            const sock = this.conns.get(Number(id));
            if (!sock) return answer("0 not connected\n");
            if (sock.writableLength + blob.length > TCP_SND_BUF) return answer("0 buffer error\n");
            const connId = Number(id);
            sock.write(Buffer.from(blob), () => this.events.sent(connId));
            answer("1\n");
        });
        vm.handle("Cc", ([id]) => {
            const sock = this.conns.get(Number(id));
            this.conns.delete(Number(id));
            sock?.end();
        });
    }

    private join(sock: dgram.Socket, group: string): void {
        try {
            sock.addMembership(group);
        } catch {
            /* NodeMCU ignores the join's result too */
        }
    }

    private accepted(serverId: number, sock: net.Socket): void {
        const connId = this.nextId++;
        sock.setNoDelay(true);
        this.conns.set(connId, sock);
        sock.on("data", (d: Buffer) => this.events.data(connId, d));
        sock.on("error", () => undefined);
        sock.on("close", () => {
            if (this.conns.delete(connId)) this.events.closed(connId);
        });
        this.events.accept(serverId, connId, sock.remotePort ?? 0, (sock.remoteAddress ?? "").replace(/^::ffff:/, ""));
    }

    close(): void {
        for (const s of this.udp.values()) s.close();
        for (const s of this.servers.values()) s.close();
        for (const s of this.conns.values()) s.destroy();
        this.udp.clear();
        this.servers.clear();
        this.conns.clear();
        this.groups.clear();
        for (const p of this.usedPorts) held.delete(p);
        this.usedPorts.clear();
    }
}
