// Range expressions "start:step:stop": inclusive stop, exact decimal steps, mathjs expressions.
import { fraction, type Fraction } from 'mathjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandRange, isRangeExpression, loadRangeEngine, MAX_RANGE_VALUES } from '../../src/config/range_expr.js';

beforeAll(loadRangeEngine);

/** Oracle: exact rational arithmetic (mathjs Fraction), converted to float64 at the end. */
function oracle(start: string, step: string, stop: string): number[] {
  const s = fraction(start) as Fraction;
  const d = fraction(step) as Fraction;
  const e = fraction(stop) as Fraction;
  const out: number[] = [];
  for (let v = s; d.s > 0 ? v.compare(e) <= 0 : v.compare(e) >= 0; v = v.add(d)) out.push(v.valueOf());
  return out;
}

describe('range expressions', () => {
  it('"0:0.05:0.3" gives exactly 7 decimal values, stop included', () => {
    expect(expandRange('0:0.05:0.3')).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
  });

  it.each([
    ['0', '0.1', '1'],
    ['0.05', '0.05', '0.95'],
    ['1', '-0.1', '0'],
    ['2', '3', '17'],
    ['0.3', '0.07', '0.9'],
  ])('matches an exact-fraction oracle for %s:%s:%s', (a, b, c) => {
    expect(expandRange(`${a}:${b}:${c}`)).toEqual(oracle(a, b, c));
  });

  it('two parts mean step 1; parts are mathjs expressions', () => {
    expect(expandRange('1:4')).toEqual([1, 2, 3, 4]);
    expect(expandRange('0:1/4:1')).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(expandRange('2^0:2^1:2^3')).toEqual([1, 3, 5, 7]);
  });

  it('stop not on the step grid is not exceeded', () => {
    expect(expandRange('0:0.3:1')).toEqual([0, 0.3, 0.6, 0.9]);
  });

  it('rejects empty ranges, zero steps, non-numbers and huge ranges', () => {
    expect(() => expandRange('1:0.1:0')).toThrow(/is empty/);
    expect(() => expandRange('0:0:1')).toThrow(/step must not be 0/);
    expect(() => expandRange('0:a+:1')).toThrow(/cannot evaluate/);
    expect(() => expandRange('0:[1,2]:3')).toThrow(/"\[1,2\]" uses an expression of type ArrayNode/);
    expect(() => expandRange('0:"a":3')).toThrow(/non-numeric constant/);
    expect(() => expandRange(`0:1:${MAX_RANGE_VALUES}`)).toThrow(/at most 10000/);
    expect(expandRange(`1:1:${MAX_RANGE_VALUES}`)).toHaveLength(MAX_RANGE_VALUES);
  });

  it('recognises the shape only', () => {
    expect(isRangeExpression('0:0.1:1')).toBe(true);
    expect(isRangeExpression(' 1 : 3 ')).toBe(true);
    expect(isRangeExpression('uniform')).toBe(false);
    expect(isRangeExpression('1:2:3:4')).toBe(false);
  });
});
