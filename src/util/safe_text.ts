/**
 * Text from untrusted input (a config, a defect-map file, a results line) shown in a message:
 *   safeToken(s, n)  = s with control and format characters (C0/C1, DEL, bidi overrides, BOM,
 *                      zero-width: Unicode categories Cc and Cf) replaced by '?', cut to n
 *                      characters plus '…' — so an error quotes at most the offending token, never
 *                      a line of the file, and cannot move the terminal cursor or hide text;
 *   safeLine(s, n)   = the same for a longer one-line text (descriptions in `list`).
 */
const CONTROL = /[\p{Cc}\p{Cf}]/gu;

export function safeToken(s: string, max = 12): string {
  const clean = s.replace(CONTROL, '?');
  const chars = [...clean];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : clean;
}

export function safeLine(s: string, max = 2000): string {
  return safeToken(s, max);
}
