/**
 * Running a worker pool until its tasks are done or a signal stops it (one rule for `rramsim sweep`
 * and for `--bases-only`):
 *   runUntilSignal(pool, tasks, handleSignals, stopProgress) → true when SIGINT/SIGTERM stopped it
 * With handleSignals, the first SIGINT or SIGTERM stops the pool gracefully (running tasks end, no
 * new one starts; what is on disk stays valid); the listeners are removed and the progress display
 * stopped however the run ends.
 * isUserNotice(line): a worker's log line is shown to the user (the progress log) only when it is a
 * notice, i.e. it starts with 'warning: ' or 'resume: '.
 */

export function isUserNotice(msg: string): boolean {
  return msg.startsWith('warning: ') || msg.startsWith('resume: ');
}

export async function runUntilSignal<T>(
  pool: { run(tasks: T[]): Promise<void>; stop(): Promise<void> },
  tasks: T[],
  handleSignals: boolean,
  stopProgress: () => void,
): Promise<boolean> {
  let signalled = false;
  const onSignal = () => {
    signalled = true;
    void pool.stop();
  };
  if (handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    await pool.run(tasks);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    stopProgress();
  }
  return signalled;
}
