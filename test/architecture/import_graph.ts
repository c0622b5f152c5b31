/**
 * The import rule of the library core, as data and as a check.
 *
 * Layers: the experiment layer is src/experiment/** and src/config/**; the CLI, the sweep engine,
 * the reports' writer and the benches are sim/**. Everything else under src/ is the library core
 * (kernels, nn, crossbar, data, onnx, tasks, util, the method algorithms in src/methods, and the
 * package entry src/index.ts). Rule:
 *     core file f imports g  ⇒  g is a core file (or a package / node: module)
 * i.e. the core never imports src/experiment, src/config or sim/ (type-only imports and
 * re-exports included, dynamic `import('…')` too).
 *
 * `importsOf(text)` lists the module specifiers of one TypeScript source (static imports,
 * `export … from`, side-effect imports, dynamic imports with a string literal), skipping comments;
 * `resolveSpecifier` maps a relative specifier to a repository path ('./x.js' → 'dir/x.ts');
 * `ruleViolations(graph)` checks a graph { file → imported repository paths }.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

export type Layer = 'core' | 'experiment' | 'cli';

/** the layer of a repository path (posix separators, relative to the repository root) */
export function layerOf(path: string): Layer | null {
  if (path.startsWith('src/experiment/') || path.startsWith('src/config/')) return 'experiment';
  if (path.startsWith('sim/')) return 'cli';
  if (path.startsWith('src/')) return 'core';
  return null;
}

/** strip // and /* *\/ comments (string literals kept) so commented-out imports do not count */
function stripComments(text: string): string {
  let out = '', i = 0;
  while (i < text.length) {
    const c = text[i], d = text[i + 1];
    if (c === '/' && d === '/') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === '/' && d === '*') { const e = text.indexOf('*/', i + 2); i = e < 0 ? text.length : e + 2; continue; }
    if (c === "'" || c === '"' || c === '`') {
      const q = c; let j = i + 1;
      while (j < text.length && text[j] !== q) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1); i = j + 1; continue;
    }
    out += c; i++;
  }
  return out;
}

const STATIC_RE = /(?:^|[\s;}])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g;
const DYNAMIC_RE = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** module specifiers imported by one source text */
export function importsOf(text: string): string[] {
  const t = stripComments(text), out: string[] = [];
  for (const re of [STATIC_RE, DYNAMIC_RE]) for (const m of t.matchAll(re)) out.push(m[1]);
  return out;
}

/** repository path of a relative specifier from `from` ('./x.js' → '<dir>/x.ts'); null for packages */
export function resolveSpecifier(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const p = posix.normalize(posix.join(posix.dirname(from), spec));
  return p.endsWith('.js') ? `${p.slice(0, -3)}.ts` : p;
}

export interface Violation { file: string; imports: string; fileLayer: Layer; targetLayer: Layer }

/** every edge core → experiment or core → cli of a graph { file: [imported repository paths] } */
export function ruleViolations(graph: Record<string, string[]>): Violation[] {
  const out: Violation[] = [];
  for (const [file, targets] of Object.entries(graph)) {
    if (layerOf(file) !== 'core') continue;
    for (const t of targets) {
      const tl = layerOf(t);
      if (tl === 'experiment' || tl === 'cli') out.push({ file, imports: t, fileLayer: 'core', targetLayer: tl });
    }
  }
  return out;
}

function walk(dir: string, acc: string[]): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, acc);
    else if (/\.(ts|mts|mjs)$/.test(e) && !e.endsWith('.d.ts')) acc.push(p);
  }
  return acc;
}

/** the import graph of every source file under `root`/src (paths relative to root, posix) */
export function sourceGraph(root: string): Record<string, string[]> {
  const graph: Record<string, string[]> = {};
  for (const abs of walk(join(root, 'src'), [])) {
    const file = relative(root, abs).split(sep).join('/');
    graph[file] = importsOf(readFileSync(abs, 'utf8')).map((s) => resolveSpecifier(file, s)).filter((p): p is string => p !== null);
  }
  return graph;
}
