// Assembles the host board's HAL (the Wasm harness) behind the same interface as the NodeMCU one.
import * as bridge from "__rc_bridge";
import { Hal, TcpServerOptions, TimerOptions, UdpSocketOptions } from "../interfaces";
import { HostStorage } from "./storage";
import { HostTcpServer } from "./tcp";
import { HostClock, HostTimer } from "./timer";
import { HostUdpSocket } from "./udp";
import { Op } from "./wire";

export function createHostHal(): Hal {
    return {
        clock: new HostClock(),
        storage: new HostStorage(),
        createTimer: (o: TimerOptions) => new HostTimer(o),
        createUdpSocket: (o: UdpSocketOptions) => new HostUdpSocket(o),
        createTcpServer: (o: TcpServerOptions) => new HostTcpServer(o),
        localAddress: () => bridge.callLine(Op.address, 0),
        log: (line: string) => bridge.send0(Op.log, line),
        memory: () => $multi(collectgarbage("count"), 0),
        random32: () => {
            const r = bridge.callNumber(Op.random, 0);
            bridge.endLine();
            return r;
        },
    };
}
