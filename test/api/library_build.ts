/**
 * The package's library build (dist/src/index.js, what `import 'rramsim'` loads): `npm test`
 * builds first; a targeted run builds it here when it is missing (tsc, as the CLI tests do).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const ENTRY = join(ROOT, 'dist', 'src', 'index.js');

export function ensureLibraryBuilt(): void {
  if (existsSync(ENTRY)) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', ROOT], { stdio: 'ignore' });
  } catch {
    // type errors elsewhere still emit JavaScript; the import below then says what is missing
  }
}
