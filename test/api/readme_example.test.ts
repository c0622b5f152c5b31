/**
 * README.md's library example, extracted from the README text itself (readme_example.ts), runs
 * against this checkout's build (dist/, through a temporary node_modules/rramsim link) and prints
 * at least one accuracy, the first (the digital network) well above chance. Also: the extraction
 * finds the block of docs/readme_example.md and refuses a README without one, naming what to add.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureLibraryBuilt, ROOT } from './library_build.js';
import { printedAccuracies, readmeExample, runExample } from './readme_example.js';

describe("README's library example", () => {
  it('extraction: the docs block is found; a README without it fails with a clear message', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'readme_example.md'), 'utf8');
    const code = readmeExample(doc);
    expect(code).toContain("from 'rramsim'");
    expect(code.split('\n').length).toBeLessThanOrEqual(21);
    expect(() => readmeExample('# rramsim\n```js\nconsole.log(1)\n```\n')).toThrow(/README\.md has no library example: add the line '<!-- readme-example/);
    expect(() => readmeExample('<!-- readme-example -->\n\ntext only\n')).toThrow(/not followed by a non-empty ```js fenced block/);
    expect(() => readmeExample('<!-- readme-example: … -->\n```js\n// the library example lands here\n```\n')).toThrow(/still the placeholder\?\): paste the block of docs\/readme_example\.md/);
    expect(printedAccuracies('digital accuracy 0.91\nx\nafter retraining, accuracy: 0.875 with 12 writes\n')).toEqual([0.91, 0.875]);
  });

  it('runs as written from README.md and prints an accuracy', () => {
    const code = readmeExample(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    ensureLibraryBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-readme-'));
    try {
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(ROOT, join(dir, 'node_modules', 'rramsim'), 'dir');
      const r = runExample(dir, code);
      expect(r.code, r.stderr).toBe(0);
      const acc = printedAccuracies(r.stdout);
      expect(acc.length, r.stdout).toBeGreaterThan(0);
      for (const a of acc) expect(a).toBeGreaterThanOrEqual(0), expect(a).toBeLessThanOrEqual(1);
      expect(acc[0], r.stdout).toBeGreaterThan(0.5);
    } finally {
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    }
  });
});
