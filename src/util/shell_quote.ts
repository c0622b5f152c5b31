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

/**
 * Text from a config or a results file made safe for a terminal: C0/C1 control characters
 * (ESC of ANSI sequences, BEL, CR, backspace, …, U+007F–U+009F) and the Unicode line/paragraph
 * separators become visible escapes `\xNN` / `\uNNNN`; tab and newline become `\t`, `\n`
 * (a description prints on one line).
 */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
