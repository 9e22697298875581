/** Reading numeric command-line flag values, shared by every command: a bad value throws a FlagError naming the flag. */

export class FlagError extends Error {
  override readonly name = 'FlagError';
}

/** The flag's number, or undefined when it was not given; `what` completes "--flag must be …". */
export function optionalNumberFlag(flag: string, raw: string | undefined, check: (n: number) => boolean, what: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) throw new FlagError(`--${flag} must be ${what}, got '${raw}'`);
  return n;
}

export function numberFlag(flag: string, raw: string | undefined, fallback: number, check: (n: number) => boolean, what: string): number {
  return optionalNumberFlag(flag, raw, check, what) ?? fallback;
}

export const isPositive = (n: number): boolean => n > 0;
export const isPositiveInteger = (n: number): boolean => Number.isInteger(n) && n > 0;
export const isNonNegative = (n: number): boolean => n >= 0;
export const isShare = (n: number): boolean => n >= 0 && n <= 1;
export const isWholeAtLeast =
  (min: number) =>
  (n: number): boolean =>
    Number.isInteger(n) && n >= min;

/** A comma-separated list of positive rates (`2000,3000`), or undefined when the flag was not given. */
export function rateListFlag(flag: string, raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const rates = raw.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  if (rates.some((r) => !Number.isFinite(r) || r <= 0)) throw new FlagError(`--${flag} must be a comma-separated list of positive numbers, got '${raw}'`);
  return rates;
}
