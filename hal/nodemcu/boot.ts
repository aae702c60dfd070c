// Boot entry of NodeMCU boards: brings the board up from board.lua, then starts the firmware unless safe mode is asked for.
import { board } from "board";
import { boot, Firmware } from "../../firmware/main";
import { createNodemcuHal } from "./hal";

function start(): Firmware | undefined {
    const b = createNodemcuHal(board);
    if (b.safeReason !== undefined) {
        print(`ringcast: safe mode (${b.safeReason}): firmware not started`);
        return undefined;
    }
    const firmware = boot(b.hal, board);
    // A handle for the REPL and the flash tool, which stops the app before it writes files.
    RINGCAST = { firmware, hal: b.hal, stop: () => firmware.stop() };
    return firmware;
}

export const firmware = start();
