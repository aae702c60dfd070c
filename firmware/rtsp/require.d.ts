// Lua's require, for a module looked up at run time and maybe absent (the settings), called through pcall.
/** @noSelfInFile */

declare function require(module: string): unknown;
