/**
 * The README's library example, taken from README.md's own text: the first ```js (or ```ts) fenced
 * block after the marker line `<!-- readme-example` (docs/readme_example.md holds the block the
 * README carries). A README without the marker or the block, or whose block is still a placeholder
 * (it does not import 'rramsim'), is an Error saying what to add.
 * `runExample(dir, code)` writes the code as an ES module into `dir` and runs it with node there
 * (so `import … from 'rramsim'` resolves through dir/node_modules), returning stdout, stderr, code.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MARKER = '<!-- readme-example';

export function readmeExample(readme: string): string {
  const at = readme.indexOf(MARKER);
  if (at < 0) {
    throw new Error(`README.md has no library example: add the line '${MARKER}: …-->' followed by a \`\`\`js fenced block (the text of docs/readme_example.md)`);
  }
  const m = /^```(?:js|ts|javascript|typescript)[^\n]*\n([\s\S]*?)^```/m.exec(readme.slice(at));
  if (!m || m[1].trim() === '') {
    throw new Error(`README.md: the readme-example marker is not followed by a non-empty \`\`\`js fenced block (see docs/readme_example.md)`);
  }
  if (!/from\s+['"]rramsim['"]/.test(m[1])) {
    throw new Error("README.md: the readme-example block does not import from 'rramsim' (still the placeholder?): paste the block of docs/readme_example.md");
  }
  return m[1];
}

export function runExample(dir: string, code: string, timeoutMs = 600_000): { code: number | null; stdout: string; stderr: string } {
  const file = join(dir, 'readme_example.mjs');
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** the first number after the word 'accuracy' on each line that has one */
export function printedAccuracies(stdout: string): number[] {
  return [...stdout.matchAll(/accuracy[^0-9\n]*(\d+(?:\.\d+)?(?:e-?\d+)?)/g)].map((m) => Number(m[1]));
}
