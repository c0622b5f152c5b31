/**
 * Report entry point. PLACEHOLDER: the report work implements it (same signature).
 * Writes DIR/report.html from DIR/results.jsonl + DIR/manifest.json and returns its path.
 */
import { join } from 'node:path';

export async function writeReport(dir: string): Promise<string> {
  return join(dir, 'report.html');
}
