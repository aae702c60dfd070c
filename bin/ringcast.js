#!/usr/bin/env node
// ringcast CLI entry: runs the TypeScript tools through tsx so there is no separate Node build step.
require("tsx/cjs");
require("../tools/cli.ts").main(process.argv);
