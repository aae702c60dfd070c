// Boot entry of the host board: the harness loads this bundle and the firmware starts on the host HAL.
import { board } from "board";
import { boot } from "../../firmware/main";
import { createHostHal } from "./hal";

export const firmware = boot(createHostHal(), board);
