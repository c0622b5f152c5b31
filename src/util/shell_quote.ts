/**
 * POSIX shell quoting for commands rramsim prints for the user to paste (re-run and resume hints,
 * the manifest's `command`, the report's provenance):
 *   quote(s) = s                         when s consists only of [A-Za-z0-9_@%+=:,./-] (and is not empty)
 *            = ' + s with every ' → '\'' + '   otherwise
 * Inside single quotes the shell expands nothing ($, `, \, spaces, globs are literal), so the
 * pasted command receives exactly s.
 */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command line with every argument quoted: shellCommand(['rramsim', 'sweep', 'a b.json']) = "rramsim sweep 'a b.json'". */
export function shellCommand(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}
