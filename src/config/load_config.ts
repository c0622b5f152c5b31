/**
 * Read a sweep config file (JSON) and plan it. File and JSON-syntax problems are UserErrors.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../util/errors.js';
import { planSweep, type SweepPlan } from './expand.js';

export async function loadSweepConfig(file: string): Promise<SweepPlan> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`config file '${file}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give the path of a JSON sweep config, e.g. configs/quick.json`, 'CONFIG');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`config file '${file}' is not valid JSON: ${(e as Error).message}`, 'CONFIG');
  }
  return planSweep(json, basename(file).replace(/\.json$/i, ''));
}
