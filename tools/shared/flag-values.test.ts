import { describe, expect, it } from 'vitest';
import { FlagError, isPositiveInteger, isShare, numberFlag, optionalNumberFlag, rateListFlag } from './flag-values.js';

describe('numeric flags', () => {
  it('reads a valid value and falls back when absent', () => {
    expect(numberFlag('rate', '2500', 1000, isPositiveInteger, 'a positive integer')).toBe(2500);
    expect(numberFlag('rate', undefined, 1000, isPositiveInteger, 'a positive integer')).toBe(1000);
    expect(optionalNumberFlag('share', undefined, isShare, 'between 0 and 1')).toBeUndefined();
    expect(optionalNumberFlag('share', '0.25', isShare, 'between 0 and 1')).toBe(0.25);
  });

  it.each(['', '  ', 'abc', 'Infinity', '1.5', '0', '-3'])('rejects %j for a positive integer, naming the flag', (raw) => {
    expect(() => numberFlag('workers', raw, 1, isPositiveInteger, 'a positive integer')).toThrow(
      new FlagError(`--workers must be a positive integer, got '${raw}'`),
    );
  });
});

describe('rate lists', () => {
  it('reads comma-separated rates, spaces allowed, and undefined when absent', () => {
    expect(rateListFlag('edge-rates', '2000, 3000,500.5')).toEqual([2000, 3000, 500.5]);
    expect(rateListFlag('edge-rates', undefined)).toBeUndefined();
  });

  it.each(['', '2000,', ',2000', '2000,,3000', '0', '-5', 'abc', '2000,Infinity'])('rejects %j, naming the flag', (raw) => {
    expect(() => rateListFlag('rates', raw)).toThrow(new FlagError(`--rates must be a comma-separated list of positive numbers, got '${raw}'`));
  });
});
