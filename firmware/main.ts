// Firmware entry: given a board's HAL and description, starts the kernel and the services on it.
import type { Board } from "../boards/board";
import { Hal } from "../hal/interfaces";
import { Scheduler } from "./kernel/scheduler";

export interface Firmware {
    readonly hal: Hal;
    readonly board: Board;
    readonly scheduler: Scheduler;
    stop(): void;
}

export function boot(hal: Hal, board: Board): Firmware {
    const scheduler = new Scheduler(hal);
    hal.log(`ringcast on ${board.id}: Lua ${_VERSION}, pool ${board.budget.poolBytes} bytes`);
    return {
        hal,
        board,
        scheduler,
        stop: () => scheduler.stop(),
    };
}
