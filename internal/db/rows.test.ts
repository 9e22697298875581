import { describe, expect, it } from 'vitest';
import { rowsOf } from './rows.js';

describe('rowsOf', () => {
  it('accepts an array-like row list (postgres.js)', () => {
    const list = Object.assign([{ a: 1 }], { count: 1, command: 'SELECT' });
    expect(rowsOf<{ a: number }>(list)).toBe(list);
  });

  it('accepts a { rows } result (PGlite)', () => {
    expect(rowsOf<{ a: number }>({ rows: [{ a: 2 }], affectedRows: 0 })).toEqual([{ a: 2 }]);
  });

  it('rejects anything else rather than guessing', () => {
    expect(() => rowsOf({ count: 3 })).toThrow(TypeError);
    expect(() => rowsOf(null)).toThrow(TypeError);
  });
});
