// The board description the build writes next to the firmware as board.lua (from boards/<id>.board.json).
/** @noSelfInFile */

/** @noResolution */
declare module "board" {
    import type { Board } from "../boards/board";
    export const board: Board;
}
