// How large one storage read may be: on a board whose SD read blocks the one Lua task, a read must fit the sender's slack.
import type { Board } from "../../boards/board";

const SECTOR = 512;

/**
 * Bytes per read (a multiple of 512, at most one pool buffer). On boards with an SD card the read blocks every other
 * callback, so overhead + bytes / bandwidth must fit in what the send period leaves after one timer tick of wake-up
 * granularity: then a read started right after a send completes before the next send is due.
 */
export function readBoundBytes(board: Board): number {
    const bufferBytes = board.budget.bufferBytes;
    const sd = board.sd;
    if (sd === undefined) return bufferBytes; // host: reads are asynchronous and never hold up the sender
    const slackUs = board.timing.sendPeriodUs - board.timing.timerTickUs - sd.readOverheadUs;
    const bytes = Math.floor((slackUs * sd.readBytesPerSecond) / 1000000 / SECTOR) * SECTOR;
    if (bytes < SECTOR) return SECTOR;
    return bytes > bufferBytes ? bufferBytes : bytes;
}

/** Time in µs one read of `bytes` blocks a board (0 on the host). */
export function readCostUs(board: Board, bytes: number): number {
    const sd = board.sd;
    if (sd === undefined) return 0;
    return sd.readOverheadUs + Math.floor((bytes * 1000000) / sd.readBytesPerSecond);
}
