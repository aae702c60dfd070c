// UDP sockets on net: sends go through pcall because NodeMCU raises lwIP errors, and an error in a callback reboots the board.
import { UdpSocket, UdpSocketOptions } from "../interfaces";

function sendVia(s: NetUdpSocket, port: number, address: string, data: string): void {
    s.send(port, address, data);
}

export class NodemcuUdpSocket implements UdpSocket {
    readonly port: number;
    private s?: NetUdpSocket;
    /** Datagrams the stack refused, and the last reason, for the firmware's statistics. */
    sendErrors = 0;
    lastError?: string;

    constructor(options: UdpSocketOptions) {
        const s = net.createUDPSocket();
        // Bind now (port 0 lets lwIP pick one) so that the port is known before the first send.
        s.listen(options.port ?? 0, options.address ?? "0.0.0.0");
        const [port] = s.getaddr();
        this.port = port;
        const onReceive = options.onReceive;
        if (onReceive !== undefined) s.on("receive", (_s, data, fromPort, fromIp) => onReceive(data, fromPort, fromIp));
        this.s = s;
    }

    send(port: number, address: string, data: string): boolean {
        const s = this.s;
        if (s === undefined) return false;
        const [ok, err] = pcall(sendVia, s, port, address, data);
        if (!ok) {
            this.sendErrors++;
            this.lastError = err;
        }
        return ok;
    }

    joinMulticast(group: string): void {
        // "any" joins on every interface; NodeMCU ignores IGMP's result, so a failed join is silent here too.
        if (this.s !== undefined) net.multicastJoin("any", group);
    }

    close(): void {
        const s = this.s;
        if (s === undefined) return;
        this.s = undefined;
        s.close();
    }
}
