/**
 * Sweep progress: a cli-progress bar (points done / total, ETA, current point) when stderr is a
 * TTY; otherwise one plain log line per finished point.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, done: number): void;
  current(label: string): void;
  finished(ok: boolean, label: string, detail: string): void;
  log(msg: string): void;
  stop(): void;
}

export function makeProgress(tty: boolean, write: (s: string) => void = (s) => process.stderr.write(s)): Progress {
  if (tty) {
    // a MultiBar with one bar: it can print log lines above the bar
    const multi = new cliProgress.MultiBar(
      {
        format: '{bar} {value}/{total} points | {percentage}% | ETA {eta_formatted} | {current}',
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 20,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let bar: cliProgress.SingleBar | undefined;
    return {
      start: (t, done) => {
        bar = multi.create(t, done, { current: '' });
      },
      current: (label) => bar?.update({ current: label }),
      finished: (ok, label, detail) => {
        if (!ok) multi.log(`FAILED ${label}: ${detail}\n`);
        bar?.increment(1, { current: label });
      },
      log: (msg) => multi.log(`${msg}\n`),
      stop: () => multi.stop(),
    };
  }
  let done = 0;
  let total = 0;
  return {
    start: (t, d) => {
      total = t;
      done = d;
      write(`sweep: ${t} points, ${d} already done\n`);
    },
    current: () => {},
    finished: (ok, label, detail) => {
      done++;
      write(`[${done}/${total}] ${ok ? 'ok    ' : 'FAILED'} ${label}  ${detail}\n`);
    },
    log: (msg) => write(`${msg}\n`),
    stop: () => {},
  };
}
