/**
 * Sweep progress display. On a TTY (stderr): a cli-progress bar (points done / total and a status
 * text: what the sweep is doing and its ETA, sim/sweep/live_progress.ts) with one line below it per
 * running point (base training or the method's phase: epoch k/n, images/s, ETA), updated in place.
 * Otherwise plain lines: one per finished point (with the status), and a running point's epoch
 * line at most every `interval` seconds per point (no flood in logs; no line for a mere start).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, done: number): void;
  current(label: string): void;
  finished(ok: boolean, label: string, detail: string): void;
  log(msg: string): void;
  stop(): void;
  /**
   * one running point's line (key: its hash); undefined text = the point ended, drop its line;
   * `starting` = the line only says it started (a TTY shows it, a log skips it)
   */
  point?(key: string, text: string | undefined, starting?: boolean): void;
  /** what the sweep does now and its ETA, shown with the count of points */
  status?(text: string): void;
}

/** seconds between two plain progress lines of one running point */
export const PLAIN_INTERVAL_SECONDS = 30;

export function makeProgress(
  tty: boolean,
  write: (s: string) => void = (s) => process.stderr.write(s),
  interval = PLAIN_INTERVAL_SECONDS,
  now: () => number = () => Date.now(),
): Progress {
  if (tty) {
    // a MultiBar: log lines above, the overall bar, one line per running point below it
    const multi = new cliProgress.MultiBar(
      {
        format: '{bar} {value}/{total} points | {percentage}% | {status}',
        stream: process.stderr,
        hideCursor: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let bar: cliProgress.SingleBar | undefined;
    const lines = new Map<string, cliProgress.SingleBar>();
    let status = 'starting';
    return {
      start: (t, done) => {
        bar = multi.create(t, done, { status });
      },
      current: () => {},
      finished: (ok, label, detail) => {
        if (!ok) multi.log(`FAILED ${label}: ${detail}\n`);
        bar?.increment(1, { status });
      },
      log: (msg) => multi.log(`${msg}\n`),
      stop: () => multi.stop(),
      point: (key, text) => {
        const line = lines.get(key);
        if (text === undefined) {
          if (line) multi.remove(line);
          lines.delete(key);
        } else if (line) line.update(0, { text });
        else lines.set(key, multi.create(1, 0, { text }, { format: '  {text}' }));
      },
      status: (text) => {
        status = text;
        bar?.update({ status });
      },
    };
  }
  let done = 0;
  let total = 0;
  let status = '';
  const last = new Map<string, number>();
  return {
    start: (t, d) => {
      total = t;
      done = d;
      write(`sweep: ${t} points, ${d} already done\n`);
    },
    current: () => {},
    finished: (ok, label, detail) => {
      done++;
      write(`[${done}/${total}] ${ok ? 'ok    ' : 'FAILED'} ${label}  ${detail}${status ? ` | ${status}` : ''}\n`);
    },
    log: (msg) => write(`${msg}\n`),
    stop: () => {},
    point: (key, text, starting) => {
      if (text === undefined) {
        last.delete(key);
        return;
      }
      if (starting) return;
      const t = now(), prev = last.get(key);
      if (prev !== undefined && t - prev < interval * 1000) return;
      last.set(key, t);
      write(`  ${text}\n`);
    },
    status: (text) => {
      status = text;
    },
  };
}
