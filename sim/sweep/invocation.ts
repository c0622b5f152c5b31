/**
 * The command line the user typed, for the commands rramsim prints to continue a run (the resume
 * hint): the same launcher and every argument, shell-quoted (src/util/shell_quote.ts).
 *
 *   launcher = 'npx rramsim' when run through npx / `npm exec`: npm sets npm_lifecycle_event=npx
 *              (npm_command=exec) and npm_lifecycle_script to the command it runs, whose first word
 *              is the bin, rramsim (so `npx vitest` running rramsim in-process is not mistaken for
 *              it); without npm_lifecycle_script, the shell's `_` = …/npx with this process's
 *              script named rramsim; else 'rramsim'
 *   resume   = launcher + the arguments as given + `--out DIR` when absent + `--resume` when absent
 */
import { basename } from 'node:path';
import { shellCommand } from '../../src/util/shell_quote.js';

let args: string[] | undefined;

/** sim/main.ts records the arguments it parses (in-process callers pass theirs, not process.argv) */
export function setInvocation(argv: readonly string[]): void {
  args = [...argv];
}

/** the arguments after the program name */
export function invocationArgs(): string[] {
  return args ?? process.argv.slice(2);
}

/** the first word of an npm lifecycle script, unquoted */
function firstWord(script: string): string {
  const m = /^\s*(?:'([^']*)'|"([^"]*)"|(\S+))/.exec(script);
  return m ? (m[1] ?? m[2] ?? m[3]) : '';
}

export function launcher(env: NodeJS.ProcessEnv = process.env, script: string | undefined = process.argv[1]): string {
  const viaNpx = env.npm_lifecycle_event === 'npx' || env.npm_command === 'exec';
  if (viaNpx && env.npm_lifecycle_script !== undefined) {
    return basename(firstWord(env.npm_lifecycle_script)) === 'rramsim' ? 'npx rramsim' : 'rramsim';
  }
  if (env._ !== undefined && basename(env._) === 'npx' && script !== undefined && basename(script) === 'rramsim') return 'npx rramsim';
  return 'rramsim';
}

/** the command that continues this run in `dir` (file header) */
export function resumeCommand(dir: string, argv: readonly string[] = invocationArgs(), env: NodeJS.ProcessEnv = process.env, script?: string): string {
  const a = [...argv];
  const has = (f: string) => a.some((x) => x === f || x.startsWith(`${f}=`));
  if (!has('--out')) a.push('--out', dir);
  if (!has('--resume')) a.push('--resume');
  return `${launcher(env, script ?? process.argv[1])} ${shellCommand(a)}`;
}
