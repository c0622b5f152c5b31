/**
 * The library core (src/ outside src/experiment and src/config) never imports the experiment
 * layer, the config, the CLI / sweep engine / reports' writer or the benches (all of sim/).
 * The rule and the import parser are in import_graph.ts; this file checks the real tree and shows
 * that the check fails on planted violations (a synthetic graph and a temporary file tree).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, layerOf, resolveSpecifier, ruleViolations, sourceGraph } from './import_graph.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('import rule: core never imports the experiment layer, the config or sim/', () => {
  it('holds on the source tree (and the tree is really scanned)', () => {
    const g = sourceGraph(ROOT);
    const files = Object.keys(g);
    // not vacuous: the core's layers and the experiment layer are all present and have imports
    for (const dir of ['src/kernels/', 'src/nn/', 'src/crossbar/', 'src/data/', 'src/onnx/', 'src/methods/', 'src/util/', 'src/experiment/', 'src/config/']) {
      expect(files.some((f) => f.startsWith(dir)), dir).toBe(true);
    }
    expect(g['src/index.ts']?.length ?? 0).toBeGreaterThan(5);
    expect(g['src/experiment/point.ts']?.length ?? 0).toBeGreaterThan(0);
    const v = ruleViolations(g).map((x) => `${x.file} imports ${x.imports} (${x.targetLayer})`);
    expect(v, v.join('\n')).toEqual([]);
  });

  it('parses every import form and resolves relative specifiers', () => {
    const src = [
      "import { a } from '../experiment/point.js';",
      "import type { B } from \"../../sim/bench/train.js\";",
      "export { c } from './c.js';",
      "export * from '../config/fields.js';",
      "import './side_effect.js';",
      "const m = await import('../experiment/run_point.js');",
      "import {\n  d,\n  e,\n} from 'node:fs';",
      "// import { z } from '../experiment/commented.js';",
      "/* import { y } from '../config/commented.js'; */",
      "const s = 'import x from \"../config/in_a_string.js\"';",
    ].join('\n');
    expect(importsOf(src)).toEqual([
      '../experiment/point.js', '../../sim/bench/train.js', './c.js', '../config/fields.js', './side_effect.js', 'node:fs', '../experiment/run_point.js',
    ]);
    expect(resolveSpecifier('src/methods/fat.ts', '../experiment/point.js')).toBe('src/experiment/point.ts');
    expect(resolveSpecifier('src/crossbar/devices/params.ts', '../../../sim/bench/x.js')).toBe('sim/bench/x.ts');
    expect(resolveSpecifier('src/nn/x.ts', 'seedrandom')).toBeNull();
    expect(layerOf('src/config/fields.ts')).toBe('experiment');
    expect(layerOf('src/index.ts')).toBe('core');
    expect(layerOf('sim/report/html.ts')).toBe('cli');
  });

  it('fails on a planted violation (synthetic graph)', () => {
    const g = {
      'src/nn/network.ts': ['src/nn/layer.ts'],
      'src/crossbar/device_model.ts': ['src/experiment/point.ts'],
      'src/methods/fat.ts': ['src/config/defaults.ts', 'sim/bench/train.ts'],
      // the experiment layer and sim/ may import anything
      'src/experiment/run_point.ts': ['src/methods/fat.ts', 'src/config/fields.ts'],
      'sim/cli.ts': ['src/experiment/point.ts'],
    };
    expect(ruleViolations(g).map((v) => `${v.file}>${v.imports}`)).toEqual([
      'src/crossbar/device_model.ts>src/experiment/point.ts',
      'src/methods/fat.ts>src/config/defaults.ts',
      'src/methods/fat.ts>sim/bench/train.ts',
    ]);
  });

  it('fails on a planted violation (a file tree on disk)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-import-rule-'));
    try {
      mkdirSync(join(dir, 'src', 'crossbar'), { recursive: true });
      mkdirSync(join(dir, 'src', 'experiment'), { recursive: true });
      writeFileSync(join(dir, 'src', 'experiment', 'point.ts'), "import type { DeviceSpec } from '../crossbar/device_spec.js';\nexport interface PointSpec { device: DeviceSpec }\n");
      writeFileSync(join(dir, 'src', 'crossbar', 'device_spec.ts'), 'export interface DeviceSpec { gMin: number }\n');
      expect(ruleViolations(sourceGraph(dir))).toEqual([]);
      writeFileSync(join(dir, 'src', 'crossbar', 'device_model.ts'), "import type { PointSpec } from '../experiment/point.js';\nexport type D = PointSpec['device'];\n");
      expect(ruleViolations(sourceGraph(dir)).map((v) => `${v.file}>${v.imports}`)).toEqual(['src/crossbar/device_model.ts>src/experiment/point.ts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
