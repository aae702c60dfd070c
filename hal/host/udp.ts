// Host UDP sockets: real datagram sockets (or the simulated network) owned by the Node harness.
import * as bridge from "__rc_bridge";
import { UdpSocket, UdpSocketOptions } from "../interfaces";
import { Ev, Op } from "./wire";

const sockets = new LuaTable<number, HostUdpSocket>();

export class HostUdpSocket implements UdpSocket {
    readonly port: number;
    private readonly id: number;
    private open = true;
    private onReceive?: (this: void, data: string, port: number, address: string) => void;

    constructor(options: UdpSocketOptions) {
        this.id = bridge.callNumber(Op.udpOpen, options.port ?? 0, options.address ?? "0.0.0.0");
        this.port = bridge.readNumber();
        bridge.endLine();
        this.onReceive = options.onReceive;
        sockets.set(this.id, this);
    }

    send(port: number, address: string, data: string, departUs?: number): boolean {
        if (!this.open) return false;
        // The harness holds the datagram until departUs on its clock (0: at once).
        bridge.send4(Op.udpSend, this.id, port, address, departUs === undefined ? 0 : Math.floor(departUs), data);
        const ok = bridge.readNumber();
        bridge.endLine();
        return ok === 1;
    }

    joinMulticast(group: string): void {
        if (this.open) bridge.send1(Op.udpJoin, this.id, group);
    }

    close(): void {
        if (!this.open) return;
        this.open = false;
        this.onReceive = undefined;
        sockets.delete(this.id);
        bridge.send1(Op.udpClose, this.id);
    }

    deliver(data: string, port: number, address: string): void {
        const f = this.onReceive;
        if (f !== undefined) f(data, port, address);
    }
}

bridge.on(Ev.udpReceive, id => {
    const port = bridge.readNumber();
    const address = bridge.readLine();
    const data = bridge.readBlob();
    const s = sockets.get(id);
    if (s !== undefined) s.deliver(data, port, address);
});
