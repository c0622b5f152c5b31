/**
 * The config reference (docs/config.md), generated from the field declarations (fields.ts): one
 * table per section in grid-expansion order, each field with its allowed values, its default, its
 * point-hash rule and its description. `npm run docs:config` writes it (sim/docs_config.ts) and
 * test/config/config_doc.test.ts fails when the committed file differs from what this returns.
 */
import { isLeaf, sectionRules, type Leaf, type Section } from '../util/spec_field.js';
import { FIELDS, META_KEYS } from './fields.js';

export function configReference(): string {
  const out: string[] = [
    '# Config reference',
    '',
    '<!-- generated from the field declarations by `npm run docs:config` (src/config/config_doc.ts); do not edit -->',
    '',
    'A sweep config is a JSON object that mirrors a point: every field below may be left out (it takes',
    'its default), given one value, a list of values (a grid axis) or, for numbers, a range expression',
    '"start:step:stop". The grid is expanded in the order of this page (first = outermost loop).',
    '`rramsim run` takes the same fields as flags (`--defects.rate 0.1`). Besides the fields, a config',
    `may hold ${META_KEYS.map((k) => `\`${k}\``).join(', ')}.`,
    '',
    'Columns: **default** is what a config that leaves the field out gets; **in the point** says when the',
    'resolved point (and so its hash) leaves the field out, so that a field added later does not change',
    'the hash of older points, and points that differ only in what their method does not read are one point.',
    '',
  ];
  const top: [string, Leaf][] = [];
  for (const [k, node] of Object.entries(FIELDS)) {
    if (isLeaf(node)) top.push([k, node]);
  }
  out.push('## Point', '', ...table(top.map(([k, l]) => [k, l])), '');
  for (const [k, node] of Object.entries(FIELDS)) {
    if (!isLeaf(node)) sectionDoc(k, node as Section, out);
  }
  return out.join('\n');
}

function sectionDoc(path: string, s: Section, out: string[]): void {
  const r = sectionRules(s);
  out.push(`## ${path}`, '');
  const notes: string[] = [];
  if (r.describe) notes.push(cap(r.describe) + '.');
  if (r.optional) notes.push('Optional section: absent from the point unless given.');
  if (r.readIf) notes.push(`Read only when ${r.readIfText ?? 'its method reads it'}; otherwise ${unreadText(r.unread, true)}.`);
  if (r.isAbsent) notes.push('Left out of the point when it switches nothing on.');
  if (notes.length) out.push(notes.join(' '), '');
  const rows: [string, Leaf][] = [];
  const subs: [string, Section][] = [];
  for (const [k, node] of Object.entries(s)) {
    if (isLeaf(node)) rows.push([`${path}.${k}`, node]);
    else subs.push([`${path}.${k}`, node]);
  }
  if (rows.length) out.push(...table(rows), '');
  for (const [p, sub] of subs) sectionDoc(p, sub, out);
}

function table(rows: [string, Leaf][]): string[] {
  const lines = ['| field | allowed | default | in the point | description |', '|---|---|---|---|---|'];
  for (const [p, l] of rows) lines.push(`| \`${p}\` | ${cell(l.allowed)} | ${cell(defaultText(l))} | ${cell(hashRule(l))} | ${cell(l.describe)} |`);
  return lines;
}

function defaultText(l: Leaf): string {
  if (l.defaultText !== undefined) return l.defaultText;
  if (l.default === undefined) return l.optional ? '(absent)' : '(required when the section is given)';
  return typeof l.default === 'string' ? `'${l.default}'` : JSON.stringify(l.default);
}

function hashRule(l: Leaf): string {
  const parts: string[] = [];
  if (l.optional && l.default === undefined) parts.push('absent unless given');
  if (l.absentIs !== undefined) parts.push(`left out when ${typeof l.absentIs === 'string' ? `'${l.absentIs}'` : JSON.stringify(l.absentIs)}`);
  if (l.isAbsent) parts.push(`left out at its default${l.defaultText ? ` (${l.defaultText})` : ''}`);
  if (l.readIf) parts.push(`read only when ${l.readIfText ?? 'its method reads it'}, else ${unreadText(l.unread, false)}`);
  return parts.length ? parts.join('; ') : 'always';
}

function unreadText(u: Leaf['unread'] | 'drop' | 'default' | { value: unknown } | undefined, section: boolean): string {
  if (u === undefined || u === 'drop') return 'left out';
  if (u === 'default') return section ? 'every field at its default' : 'its default';
  return JSON.stringify(u.value);
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** a table cell: pipes escaped, no line breaks */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
