/**
 * Nesting depth of a parsed JSON value, checked without recursion:
 *   depth(scalar) = 0,  depth(object or array) = 1 + max depth of its members
 * `nestedDeeperThan(v, max)` is true when depth(v) > max. Iterative (an explicit stack), so a value
 * nested 100,000 deep is judged without overflowing the call stack — which JSON.stringify, a
 * structuredClone or any recursive walk of it later would do.
 */
export function nestedDeeperThan(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= max) return true;
    for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return false;
}
