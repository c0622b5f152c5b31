/** All CLI commands, in the order `--help` lists them. One file per command. */
import type { CommandModule } from 'yargs';
import train from './train.js';
import data from './data.js';
import run from './run.js';
import sweep from './sweep.js';
import list from './list.js';
import merge from './merge.js';
import reproduce from './reproduce.js';
import slurm from './slurm.js';
import report from './report.js';
import importOnnx from './import.js';
import exportOnnx from './export.js';
import doctor from './doctor.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [sweep, run, list, merge, reproduce, slurm, report, train, data, importOnnx, exportOnnx, doctor];
