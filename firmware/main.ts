// Firmware entry: given a board's HAL and description, starts the kernel, the streaming core and the control plane.
import type { Board } from "../boards/board";
import { Hal } from "../hal/interfaces";
import { Scheduler } from "./kernel/scheduler";
import { RtspServer } from "./rtsp/server";
import { startControlPlane } from "./rtsp/start";
import { StreamManager } from "./stream/manager";

export interface Firmware {
    readonly hal: Hal;
    readonly board: Board;
    readonly scheduler: Scheduler;
    readonly streams: StreamManager;
    readonly rtsp: RtspServer;
    stop(): void;
}

export function boot(hal: Hal, board: Board): Firmware {
    const scheduler = new Scheduler(hal);
    const streams = new StreamManager(hal, board, scheduler);
    hal.log(`ringcast on ${board.id}: ${_VERSION}, pool of ${streams.pool.total} buffers, one read of ${streams.readBytes} bytes each`);
    const rtsp = startControlPlane(hal, board, streams);
    return {
        hal,
        board,
        scheduler,
        streams,
        rtsp,
        stop: () => {
            rtsp.close();
            for (const s of streams.streams()) streams.close(s);
            scheduler.stop();
        },
    };
}
