/**
 * mkdir -p, one component at a time: from the nearest existing ancestor down, mkdir(2) each
 * missing component (EEXIST from a concurrent creator is fine). Node's own recursive mkdirSync
 * loops forever on pseudo file systems that answer ENOENT to every mkdir (e.g. `--out /proc/x`);
 * here that ENOENT is returned as an error naming the directory (src/util/fs_errors.ts: exit 2).
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function ensureDir(path: string): void {
  const missing: string[] = [];
  let p = resolve(path);
  for (;;) {
    try {
      statSync(p);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      missing.push(p);
      const up = dirname(p);
      if (up === p) break;
      p = up;
    }
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory()) continue;
      throw e;
    }
  }
}
