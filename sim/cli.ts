#!/usr/bin/env node
/** The `rramsim` bin: see sim/main.ts for commands and exit codes. */
import { hideBin } from 'yargs/helpers';
import { runCli } from './main.js';

runCli(hideBin(process.argv)).then((code) => {
  process.exitCode = code;
});
