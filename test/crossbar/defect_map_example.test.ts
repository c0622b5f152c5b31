/**
 * The example defect maps of docs/defect_maps.md load, hold exactly the codes written in them
 * (oracle: the files parsed independently here), pick tiles by the documented rules, and cover
 * every tile of every layer of the example sweep (docs/defect_maps/sweep.json), as the check
 * before any work does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweepConfig } from '../../src/config/load_config.js';
import { modelLayers } from '../../src/config/model_layers.js';
import { fileTileState, loadDefectFile } from '../../src/crossbar/defects_file.js';
import { TileLayout } from '../../src/crossbar/tiling.js';

const DIR = join(__dirname, '..', '..', 'docs', 'defect_maps');

describe('docs/defect_maps examples', () => {
  it('example.json: every tile as written; layer-specific, position and pool tiles chosen as documented', () => {
    const file = join(DIR, 'example.json');
    const written = (JSON.parse(readFileSync(file, 'utf8')) as { tiles: { layer?: string; tileRow?: number; tileCol?: number; state: number[] }[] }).tiles;
    const src = loadDefectFile(file);
    expect(src.tiles.map((t) => [...t.state])).toEqual(written.map((t) => t.state));
    const [fc3Only, at01, pool0, pool1] = written.map((t) => t.state);
    // rule 1: layer fc3's tile (0, 0); any other layer's (0, 0) is the first pool tile (k = 0)
    expect([...fileTileState(src, 'fc3', 0, 0, 0, 16, 16)]).toEqual(fc3Only);
    expect([...fileTileState(src, 'fc1', 0, 0, 0, 16, 16)]).toEqual(pool0);
    // rule 2: (0, 1) of every layer
    expect([...fileTileState(src, 'fc1', 0, 1, 1, 16, 16)]).toEqual(at01);
    expect(at01.every((v) => v === 0)).toBe(true);
    // rule 3: the pool, cyclically by the tile's row-major index
    expect([...fileTileState(src, 'fc2', 1, 0, 7, 16, 16)]).toEqual(pool1);
    expect([...fileTileState(src, 'fc2', 2, 0, 14, 16, 16)]).toEqual(pool0);
    // the maps hold stuck cells of both kinds (not vacuous)
    expect(fc3Only.filter((v) => v === 1).length).toBeGreaterThan(0);
    expect(fc3Only.filter((v) => v === 2).length).toBeGreaterThan(0);
    // a tile size other than the map's is refused, naming the crossbar fields
    expect(() => fileTileState(src, 'fc1', 3, 3, 99, 8, 8)).toThrow(/crossbar.tileRows x crossbar.tileCols/);
  });

  it('example.csv: two 16x16 blocks, the cells as written', () => {
    const file = join(DIR, 'example.csv');
    const blocks = readFileSync(file, 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('\n').trim().split(/\n\s*\n/)
      .map((b) => b.trim().split('\n').flatMap((line) => line.split(',').map(Number)));
    const src = loadDefectFile(file);
    expect(blocks).toHaveLength(2);
    expect(src.tiles.map((t) => [t.rows, t.cols])).toEqual([[16, 16], [16, 16]]);
    expect(src.tiles.map((t) => [...t.state])).toEqual(blocks);
  });

  it('sweep.json: plans with the map, and every tile of every layer finds a 16x16 map', async () => {
    const plan = await loadSweepConfig(join(DIR, 'sweep.json'));
    expect(plan.points.length).toBe(2);
    for (const { point: p } of plan.points) {
      expect(p.defects.distribution).toBe('file');
      const src = loadDefectFile(p.defects.file!);
      const cpw = p.crossbar.mapping === 'differential' ? 2 : 1;
      let tiles = 0;
      for (const l of modelLayers(p.model, p.pool, p.dataset)) {
        const L = new TileLayout(l.rows, l.cols, p.crossbar.tileRows, p.crossbar.tileCols, cpw);
        for (let tr = 0; tr < L.gridRows; tr++) {
          for (let tc = 0; tc < L.gridCols; tc++) {
            expect(fileTileState(src, l.name, tr, tc, tr * L.gridCols + tc, L.tileRows, L.tileCols)).toHaveLength(256);
            tiles++;
          }
        }
      }
      // fc1 784x300 → 49 x 38 tiles, fc2 300x100 → 19 x 13, fc3 100x10 → 7 x 2
      expect(tiles).toBe(49 * 38 + 19 * 13 + 7 * 2);
    }
  });
});
