/**
 * Measured defect maps loaded from a file (defects.distribution = 'file', defects.file = path).
 * The states use the codes of cell_state.ts: 0 healthy, 1 stuck at HRS, 2 stuck at LRS.
 *
 * JSON (file name ending in .json), one of
 *   - a single tile map  { "rows": R, "cols": C, "state": [R·C codes, row-major] }
 *   - an array of tile maps, or { "tiles": [ ...tile maps ] }.
 *   A tile map may carry "layer", "tileRow", "tileCol" (the `defect_tile.json` artefact format,
 *   so saved maps load back). A tile (layer L, tile r_c) takes, in order: the map with
 *   layer = L and tileRow/tileCol = r/c; else the map without "layer" at tileRow/tileCol = r/c;
 *   else the maps without tileRow/tileCol form a pool used cyclically (the k-th tile of a layer,
 *   row-major over the tile grid, takes pool[k mod poolSize]); else it is an error.
 * CSV (any other name): one tile per block of lines, cells separated by commas (or whitespace),
 *   one crossbar row per line, blocks separated by blank lines, '#' starts a comment line. All
 *   CSV blocks form the cyclic pool.
 * Every map must be exactly tileRows x tileCols (crossbar.tileRows/tileCols).
 * Which files may be read, and how much of them: defects_file_access.ts. Parse errors name the
 * file, the tile/line and at most the offending token (cut, control characters replaced), never
 * a line of the file's content.
 */
import { UserError } from '../util/errors.js';
import { safeToken } from '../util/safe_text.js';
import { readDefectFileText } from './defects_file_access.js';

interface FileTile {
  layer?: string;
  tileRow?: number;
  tileCol?: number;
  rows: number;
  cols: number;
  state: Uint8Array;
}

export interface DefectFileSource {
  path: string;
  tiles: FileTile[];
}

const cache = new Map<string, DefectFileSource>();

function checkState(arr: ArrayLike<number>, rows: number, cols: number, where: string): Uint8Array {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new UserError(`${where}: rows and cols must be positive integers`, 'defects.file');
  }
  if (arr.length !== rows * cols) {
    throw new UserError(`${where}: state has ${arr.length} entries, expected rows·cols = ${rows * cols}`, 'defects.file');
  }
  const s = new Uint8Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (v !== 0 && v !== 1 && v !== 2) {
      throw new UserError(`${where}: cell ${i} has state ${safeToken(typeof v === 'string' ? JSON.stringify(v) : String(v))}; allowed 0 (healthy), 1 (stuck at HRS), 2 (stuck at LRS)`, 'defects.file');
    }
    s[i] = v;
  }
  return s;
}

export function parseDefectJSON(text: string, path: string): DefectFileSource {
  let j: unknown;
  try { j = JSON.parse(text.replace(/^\uFEFF/, '')); } catch (e) {
    // V8's message quotes the text around the error: give the position only
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new UserError(`defects.file ${path}: not valid JSON${at !== undefined ? ` (syntax error at character ${at})` : ''}`, 'defects.file');
  }
  const list: unknown[] = Array.isArray(j) ? j
    : j && typeof j === 'object' && Array.isArray((j as { tiles?: unknown }).tiles) ? (j as { tiles: unknown[] }).tiles
    : [j];
  const tiles = list.map((t, i): FileTile => {
    const where = `defects.file ${path} tile #${i}`;
    if (!t || typeof t !== 'object') throw new UserError(`${where}: expected an object { rows, cols, state }`, 'defects.file');
    const o = t as Record<string, unknown>;
    if (!Array.isArray(o.state)) throw new UserError(`${where}: missing "state" array`, 'defects.file');
    const rows = o.rows as number, cols = o.cols as number;
    return {
      layer: typeof o.layer === 'string' ? o.layer : undefined,
      tileRow: typeof o.tileRow === 'number' ? o.tileRow : undefined,
      tileCol: typeof o.tileCol === 'number' ? o.tileCol : undefined,
      rows, cols, state: checkState(o.state as number[], rows, cols, where),
    };
  });
  if (tiles.length === 0) throw new UserError(`defects.file ${path}: no tile maps`, 'defects.file');
  return { path, tiles };
}

export function parseDefectCSV(text: string, path: string): DefectFileSource {
  const blocks: number[][][] = [];
  let cur: number[][] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, ln) => {
    const t = line.trim();
    if (t.startsWith('#')) return;
    if (t === '') { if (cur.length) { blocks.push(cur); cur = []; } return; }
    const cells = t.split(/[,\s]+/).map((x) => {
      const v = Number(x);
      if (!(v === 0 || v === 1 || v === 2) || x === '') {
        throw new UserError(`defects.file ${path} line ${ln + 1}: '${safeToken(x)}' is not a cell state; allowed 0 (healthy), 1 (stuck at HRS), 2 (stuck at LRS)`, 'defects.file');
      }
      return v;
    });
    cur.push(cells);
  });
  if (cur.length) blocks.push(cur);
  if (blocks.length === 0) throw new UserError(`defects.file ${path}: no tile maps`, 'defects.file');
  const tiles = blocks.map((b, i): FileTile => {
    const cols = b[0].length;
    if (b.some((r) => r.length !== cols)) {
      throw new UserError(`defects.file ${path} tile #${i}: rows have different numbers of cells`, 'defects.file');
    }
    return { rows: b.length, cols, state: checkState(b.flat(), b.length, cols, `defects.file ${path} tile #${i}`) };
  });
  return { path, tiles };
}

/** Read and parse a defect file (cached by path). */
export function loadDefectFile(path: string): DefectFileSource {
  const hit = cache.get(path);
  if (hit) return hit;
  const text = readDefectFileText(path);
  const src = path.toLowerCase().endsWith('.json') ? parseDefectJSON(text, path) : parseDefectCSV(text, path);
  cache.set(path, src);
  return src;
}

/** The state array for tile (tileRow, tileCol) = k-th tile of `layer` (rules in the header). */
export function fileTileState(
  src: DefectFileSource, layer: string, tileRow: number, tileCol: number, k: number, rows: number, cols: number,
): Uint8Array {
  const at = (t: FileTile) => t.tileRow === tileRow && t.tileCol === tileCol;
  const pick = src.tiles.find((t) => t.layer === layer && at(t))
    ?? src.tiles.find((t) => t.layer === undefined && at(t))
    ?? (() => {
      const pool = src.tiles.filter((t) => t.tileRow === undefined && t.tileCol === undefined);
      return pool.length ? pool[k % pool.length] : undefined;
    })();
  if (!pick) {
    throw new UserError(`defects.file ${src.path}: no map for layer '${layer}' tile ${tileRow}_${tileCol} (and no tile without tileRow/tileCol to use cyclically)`, 'defects.file');
  }
  if (pick.rows !== rows || pick.cols !== cols) {
    throw new UserError(`defects.file ${src.path}: a map is ${pick.rows}x${pick.cols} but crossbar tiles are ${rows}x${cols} (crossbar.tileRows x crossbar.tileCols)`, 'defects.file');
  }
  return pick.state.slice();
}
