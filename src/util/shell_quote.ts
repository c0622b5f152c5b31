/**
 * Shell quoting for every path or name rramsim puts into a command line or a script: commands
 * printed for the user to paste (re-run and resume hints, the manifest's `command`, the report's
 * provenance) and the values of the Slurm job script (sim/sweep/slurm_script.ts):
 *   quote(s) = s                         when s consists only of [A-Za-z0-9_@%+=:,./-] (and is not empty)
 *            = $'…'                      when s holds a control or format character (printable()'s set:
 *                                         newline, CR, ESC, C1, bidi overrides, U+2028/U+2029): '\' → \\,
 *                                         ' → \', each such character → its UTF-8 bytes as \xHH (\n, \t, \r
 *                                         for those three), every other character as itself
 *            = ' + s with every ' → '\'' + '   otherwise
 * Inside single quotes the shell expands nothing ($, `, \, spaces, globs are literal), and inside
 * $'…' only the backslash escapes written here, so the shell receives exactly s; and the quoted
 * word is always one line of text (no value can start a line of a script or a pasted command).
 * $'…' is bash / zsh / ksh syntax (and POSIX.1-2024).
 */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const CONTROL_ALL = /[\p{Cc}\p{Cf}\u2028\u2029\\']/gu;

function ansiCEscape(c: string): string {
  if (c === '\\') return '\\\\';
  if (c === "'") return "\\'";
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  if (c === '\r') return '\\r';
  return [...Buffer.from(c, 'utf8')].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
}

export function shellQuote(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  if (CONTROL.test(s)) return `$'${s.replace(CONTROL_ALL, ansiCEscape)}'`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command line with every argument quoted: shellCommand(['rramsim', 'sweep', 'a b.json']) = "rramsim sweep 'a b.json'". */
export function shellCommand(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}
