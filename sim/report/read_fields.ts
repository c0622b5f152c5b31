/**
 * Whether a point reads a field: the same declarations point resolution prunes by
 * (src/config/fields.ts, each field's and section's `readIf`, src/util/spec_field.ts), asked about
 * the point with the facts resolution uses (resolve_point.ts pointFacts). A field at path a.b.c is
 * read when no node on the path (section a, section a.b, leaf a.b.c) has a `readIf` that is false
 * for the point. The report's table leaves the fields a setting's method does not read empty
 * (e.g. ittrna.calibrationBatches for fat, lora.rank for unaware, defects.rate for ideal).
 */
import { FIELDS } from '../../src/config/fields.js';
import { pointFacts } from '../../src/config/resolve_point.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { METHOD_INFO } from '../../src/methods/method_info.js';
import { isLeaf, sectionRules, type Section } from '../../src/util/spec_field.js';

export function readsField(point: PointSpec, path: string): boolean {
  if (!(point.method in METHOD_INFO)) return true; // a method this version does not know: show everything
  let facts;
  try {
    facts = pointFacts(point);
  } catch {
    return true;
  }
  let node: unknown = FIELDS;
  for (const key of path.split('.')) {
    if (node === undefined || isLeaf(node)) return true; // below a leaf (e.g. model parameters): read with it
    const sec = node as Section;
    const r = sectionRules(sec);
    if (r.readIf && node !== FIELDS && !r.readIf(facts)) return false;
    node = (sec as Record<string, unknown>)[key];
    if (node === undefined) return true; // not a declared field (derived, or from a newer version)
    if (isLeaf(node) && node.readIf && !node.readIf(facts)) return false;
    if (!isLeaf(node)) {
      const rs = sectionRules(node as Section);
      if (rs.readIf && !rs.readIf(facts)) return false;
    }
  }
  return true;
}
