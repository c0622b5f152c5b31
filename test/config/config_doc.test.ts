// docs/config.md is generated from the field declarations (npm run docs:config): the committed file
// must equal what the declarations generate today, and it must name every leaf of the field tree.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configReference } from '../../src/config/config_doc.js';
import { leaves } from '../../src/config/fields.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('docs/config.md', () => {
  const committed = readFileSync(join(ROOT, 'docs', 'config.md'), 'utf8');
  it('equals what the field declarations generate (run `npm run docs:config` after changing a field)', () => {
    expect(committed).toBe(configReference() + '\n');
  });
  it('documents every config field with its allowed values', () => {
    const all = leaves();
    expect(all.length).toBeGreaterThan(80);
    for (const { path, leaf } of all) {
      const row = committed.split('\n').find((l) => l.startsWith(`| \`${path.join('.')}\` |`));
      expect(row, path.join('.')).toBeDefined();
      expect(row).toContain(leaf.allowed.replace(/\|/g, '\\|'));
    }
  });
});
