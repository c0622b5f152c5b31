/**
 * README.md's one-line lists of the data sets and device models, generated from the registries
 * (src/data/sets/registry.ts datasetNames, src/crossbar/device_registry.ts deviceModelNames):
 *   <!-- registry:datasets -->`a`, `b`, …<!-- /registry -->   (the same for registry:devices)
 * `npm run docs:readme` rewrites the text between the markers; test/config/readme_lists.test.ts
 * fails when the committed README differs from what this returns.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deviceModelNames } from '../src/crossbar/device_registry.js';
import { datasetNames } from '../src/data/sets/registry.js';

export const REGISTRY_LISTS: Record<string, () => string[]> = {
  datasets: datasetNames,
  devices: deviceModelNames,
};

/** the README with every marked list replaced by its registry's names (unknown markers: an Error) */
export function withRegistryLists(readme: string): string {
  return readme.replace(/<!-- registry:([a-z]+) -->.*?<!-- \/registry -->/g, (_m, key: string) => {
    const names = REGISTRY_LISTS[key];
    if (!names) throw new Error(`README.md: unknown registry list '${key}'; known: ${Object.keys(REGISTRY_LISTS).join(', ')}`);
    return `<!-- registry:${key} -->${names().map((n) => `\`${n}\``).join(', ')}<!-- /registry -->`;
  });
}

if (process.argv[1]?.endsWith('readme_lists.js')) {
  const file = join(import.meta.dirname, '..', '..', 'README.md');
  writeFileSync(file, withRegistryLists(readFileSync(file, 'utf8')));
  console.log(`wrote ${file}`);
}
