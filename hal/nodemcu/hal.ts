// Assembles the NodeMCU HAL for a board: storage, network, timers and clock behind hal/interfaces.ts.
import type { Board } from "../../boards/board";
import { Hal, TcpServerOptions, TimerOptions, UdpSocketOptions } from "../interfaces";
import { configureGc, mountSd, startEthernet } from "./bringup";
import { UptimeClock } from "./clock";
import { NodemcuStorage } from "./storage";
import { NodemcuTcpServer } from "./tcp";
import { NodemcuTimer } from "./timer";
import { NodemcuUdpSocket } from "./udp";

export interface NodemcuBoard {
    hal: Hal;
    clock: UptimeClock;
    storage: NodemcuStorage;
    /** Set when the firmware must not start: why (a SAFE file on the card). */
    safeReason?: string;
}

function log(line: string): void {
    print(line);
}

export function createNodemcuHal(board: Board): NodemcuBoard {
    configureGc();
    const clock = new UptimeClock();
    if (clock.float32) log("ringcast: this build has float32 numbers: the clock loses µs precision after 16.8 s (build with CONFIG_LUA_NUMBER_DOUBLE)");
    const mountPoint = board.sd?.mountPoint ?? "/SD0";
    const storage = new NodemcuStorage(mountPoint);
    // The card goes first: on SDMMC boards its init drives pins the PHY power switch shares.
    const problem = mountSd(board);
    storage.problem = problem;
    if (problem !== undefined) log(`ringcast: storage: ${problem}`);
    let safeReason: string | undefined;
    if (problem === undefined) {
        const [probe] = io.open(`${mountPoint}/SAFE`, "rb");
        if (probe !== undefined) {
            probe.close();
            safeReason = `${mountPoint}/SAFE is present`;
        }
    }
    let address = "0.0.0.0";
    startEthernet(board, log, ip => (address = ip));
    // The C library's rand() starts from the same seed every boot: mix in the boot time so SSRCs differ.
    math.randomseed(clock.nowUs() % 2147483647);
    const tickUs = board.timing.timerTickUs;
    const hal: Hal = {
        clock,
        storage,
        createTimer: (o: TimerOptions) => new NodemcuTimer(o, clock, tickUs),
        createUdpSocket: (o: UdpSocketOptions) => new NodemcuUdpSocket(o),
        createTcpServer: (o: TcpServerOptions) => new NodemcuTcpServer(o),
        localAddress: () => address,
        log: (line: string) => log(line),
        memory: () => $multi(collectgarbage("count"), node.heap()),
        // Two 16-bit halves: math.random's range is an int, and 2^32 does not fit a 32-bit one.
        random32: () => math.random(0, 65535) * 65536 + math.random(0, 65535),
    };
    return { hal, clock, storage, safeReason };
}
