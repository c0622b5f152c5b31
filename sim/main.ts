/**
 * rramsim command-line entry point. Each command lives in sim/commands/<name>.ts and exports a
 * yargs CommandModule as default.
 *
 * Exit codes: 0 success; 1 internal error (a bug: stack trace printed); 2 bad input (config,
 * flag or data file: one clear message, no stack trace); 3 finished but some sweep points failed;
 * 4 `reproduce` found a mismatch; 5 disk full while writing (src/util/fs_errors.ts: results so far
 * are intact, --resume recovers); 130 interrupted (SIGINT/SIGTERM). Permission and read-only
 * file-system errors are exit 2, as one line.
 */
import yargs from 'yargs';
import { parseThreads } from '../src/kernels/native.js';
import { setKernelThreads, threadsPerPoint } from '../src/kernels/threads.js';
import { UserError } from '../src/util/errors.js';
import { describeFsError } from '../src/util/fs_errors.js';
import { printable } from '../src/util/safe_text.js';
import { commands } from './commands/index.js';
import { setInvocation } from './sweep/invocation.js';

export async function main(argv: string[]): Promise<void> {
  setInvocation(argv);
  let y = yargs(argv)
    .scriptName('rramsim')
    .usage('$0 <command> [options]\n\nSimulate training of defect-tolerant neural networks on RRAM crossbars.')
    .strict()
    .demandCommand(1, 'Name a command (see the list above).')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilog('Exit codes: 0 ok, 1 internal error, 2 bad input (also: output not writable, directory in use), 3 some points failed, 4 reproduce mismatch, 5 disk full (--resume recovers), 130 interrupted.')
    .fail((msg, err) => {
      if (err) throw err;
      throw new UserError(msg);
    });
  y = y.option('threads', {
    type: 'string', global: true,
    describe: 'kernel threads per point (native backend; the same bits for any count). Default: cores / points running at once (a sweep\'s workers), all cores for train and run',
  }).middleware((a) => {
    // --threads reaches the sweep's worker threads through env RRAMSIM_THREADS (src/kernels/native.ts)
    if (a.threads !== undefined) process.env.RRAMSIM_THREADS = String(parseThreads(String(a.threads), '--threads'));
    // commands that compute in this thread: train and run (a sweep's workers set their own)
    const cmd = String(a._[0] ?? '');
    if (cmd === 'train' || cmd === 'run') setKernelThreads(threadsPerPoint(1));
  });
  for (const c of commands) y = y.command(c);
  await y.parseAsync();
}

/** Run the CLI and turn errors into exit codes (used by sim/cli.ts and by in-process tests). */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await main(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err: unknown) {
    if (err instanceof UserError) {
      // one line, whatever names from files or flags it quotes (control characters escaped)
      process.stderr.write(`rramsim: ${printable(err.message)}\n`);
      return 2;
    }
    const fs = describeFsError(err);
    if (fs) {
      process.stderr.write(`rramsim: ${printable(fs.message)}\n`);
      return fs.exitCode;
    }
    process.stderr.write(`rramsim: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return 1;
  }
}
