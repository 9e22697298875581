import { describe, expect, it } from 'vitest';
import { parseCommandFlags } from './command-flags.js';
import { isWholeAtLeast, numberFlag } from './flag-values.js';

const options = { rows: { type: 'string', default: '5000' }, keep: { type: 'boolean', default: false } } as const;
const read = (v: { rows: string; keep: boolean }) => ({ rows: numberFlag('rows', v.rows, 5000, isWholeAtLeast(1000), 'a whole number of at least 1000'), keep: v.keep });

describe('command flags', () => {
  it('hands defaults and given values to the reader', () => {
    expect(parseCommandFlags([], options, read)).toEqual({ kind: 'run', value: { rows: 5000, keep: false } });
    expect(parseCommandFlags(['--rows', '20000', '--keep'], options, read)).toEqual({ kind: 'run', value: { rows: 20000, keep: true } });
  });

  it('answers --help and -h before reading any value', () => {
    expect(parseCommandFlags(['--help', '--rows', 'x'], options, read)).toEqual({ kind: 'help' });
    expect(parseCommandFlags(['-h'], options, read)).toEqual({ kind: 'help' });
  });

  it('refuses an unknown flag, a positional and a missing value with what was wrong', () => {
    expect(parseCommandFlags(['--row', '1'], options, read)).toMatchObject({ kind: 'error', message: expect.stringContaining("'--row'") });
    expect(parseCommandFlags(['extra'], options, read)).toMatchObject({ kind: 'error', message: expect.stringContaining("'extra'") });
    expect(parseCommandFlags(['--rows'], options, read)).toMatchObject({ kind: 'error', message: expect.stringContaining('--rows') });
  });

  it("refuses a value the reader rejects, naming the flag, and lets the reader's other errors through", () => {
    expect(parseCommandFlags(['--rows', '999'], options, read)).toEqual({ kind: 'error', message: "--rows must be a whole number of at least 1000, got '999'" });
    expect(() =>
      parseCommandFlags([], options, () => {
        throw new TypeError('a bug, not a bad flag');
      }),
    ).toThrow(TypeError);
  });
});

describe('isWholeAtLeast', () => {
  it('takes whole numbers from the minimum up', () => {
    expect([99, 100, 100.5, 1e6].map(isWholeAtLeast(100))).toEqual([false, true, false, true]);
  });
});
