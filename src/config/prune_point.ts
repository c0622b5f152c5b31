/**
 * The default pruning behind pointHash, derived from the field declarations (src/config/fields.ts):
 * one pass over the point in grid-expansion order applies each field's point-hash rules
 * (src/util/spec_field.ts):
 *   readIf false      → the field (or section) is dropped, reset to its default, or set to its `unread` value
 *   optional, unset   → a read optional field with a default gets it (defaultFor: a default that depends on the point)
 *   absentIs/isAbsent → the field is dropped when it holds the value its absence stands for
 *   undefined         → dropped; an optional section left empty (or `isAbsent`) is dropped
 * so that a point hashes the same as the older points that never carried a field added later, and
 * points that differ only in what their method does not read collapse into one. The pass runs in
 * tree order, so a rule may read a field resolved before it (defects.clusters reads the
 * distribution after a rate of 0 reset it).
 */
import type { PointSpec } from '../experiment/point.js';
import { defaultsOf, isAbsentValue, isLeaf, sectionRules, type PointFacts, type Section } from '../util/spec_field.js';
import { FIELDS } from './fields.js';

export function prunePoint(p: PointSpec, facts: PointFacts): void {
  pruneSection(p as unknown as Record<string, unknown>, FIELDS, facts);
}

function pruneSection(obj: Record<string, unknown>, sec: Section, facts: PointFacts): void {
  for (const [k, node] of Object.entries(sec)) {
    if (isLeaf(node)) {
      if (node.readIf && !node.readIf(facts)) {
        const u = node.unread ?? 'drop';
        if (u === 'drop') delete obj[k];
        else obj[k] = structuredClone(u === 'default' ? node.default : u.value);
        continue;
      }
      if (obj[k] === undefined && node.optional) {
        const d = node.defaultFor ? node.defaultFor(facts) : node.default;
        if (d !== undefined) obj[k] = structuredClone(d);
      }
      if (isAbsentValue(node, obj[k])) delete obj[k];
      continue;
    }
    const r = sectionRules(node);
    if (r.readIf && !r.readIf(facts)) {
      const u = r.unread ?? 'drop';
      if (u === 'drop') delete obj[k];
      else obj[k] = u === 'default' ? defaultsOf(node) : structuredClone(u.value);
      continue;
    }
    const v = obj[k] as Record<string, unknown> | undefined;
    if (v === undefined || v === null || typeof v !== 'object') {
      if (v === undefined) delete obj[k];
      continue;
    }
    pruneSection(v, node, facts);
    if (r.optional && (Object.keys(v).length === 0 || r.isAbsent?.(v))) delete obj[k];
  }
}
