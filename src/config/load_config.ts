/**
 * Read a sweep config file (JSON) and plan it. File and JSON-syntax problems are UserErrors.
 * The file must be a regular file of at most MAX_CONFIG_BYTES; a leading UTF-8 byte-order mark is
 * dropped (editors on Windows write one; JSON.parse would reject it as an invisible character).
 * Relative paths inside the config (defects.file) are resolved against the config's directory.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { UserError } from '../util/errors.js';
import { safeToken } from '../util/safe_text.js';
import { planSweep, type SweepPlan } from './expand.js';

export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export interface LoadOptions {
  /** --allow-path: extra directories a config may read files (defects.file) from */
  allowPaths?: readonly string[];
}

export async function loadSweepConfig(file: string, opts: LoadOptions = {}): Promise<SweepPlan> {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new UserError(`config file '${safeToken(file, 200)}' is not a regular file; give the path of a JSON sweep config, e.g. configs/quick.json`, 'CONFIG');
    if (st.size > MAX_CONFIG_BYTES) throw new UserError(`config file '${safeToken(file, 200)}' has ${st.size} bytes; at most ${MAX_CONFIG_BYTES} (16 MiB) allowed`, 'CONFIG');
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'EACCES: permission denied' : (code ?? (e as Error).message);
    throw new UserError(`config file '${safeToken(file, 200)}' cannot be read (${why}); give the path of a JSON sweep config, e.g. configs/quick.json`, 'CONFIG');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`config file '${safeToken(file, 200)}' is not valid JSON: ${safeToken((e as Error).message, 160)}`, 'CONFIG');
  }
  return planSweep(json, basename(file).replace(/\.json$/i, ''), { baseDir: dirname(file), allowPaths: opts.allowPaths });
}
