import { describe, expect, it } from 'vitest';
import { messageStateToStat, normalizeSmscId, statToStatus } from './receipt-status.js';

describe('statToStatus', () => {
  it.each([
    ['DELIVRD', 'delivered'],
    ['EXPIRED', 'expired'],
    ['DELETED', 'undeliverable'],
    ['UNDELIV', 'undeliverable'],
    ['REJECTD', 'rejected'],
    ['SKIPPED', 'undeliverable'],
    ['ACCEPTD', null],
    ['ENROUTE', null],
    ['UNKNOWN', null],
    ['DELIVERED', 'delivered'],
    ['UNDELIVERABLE', 'undeliverable'],
    ['REJECTED', 'rejected'],
    ['ACCEPTED', null],
  ] as const)('%s → %s', (stat, status) => {
    expect(statToStatus(stat)).toBe(status);
  });

  it('ignores case and surrounding space', () => {
    expect(statToStatus(' delivrd ')).toBe('delivered');
    expect(statToStatus('Undeliv')).toBe('undeliverable');
  });

  it('accepts a bare message_state number', () => {
    expect(statToStatus('2')).toBe('delivered');
    expect(statToStatus('5')).toBe('undeliverable');
    expect(statToStatus('1')).toBeNull();
    expect(statToStatus('42')).toBeNull();
  });

  it('returns null for unrecognised words, including inherited object keys', () => {
    for (const s of ['', 'OK', 'FAILED', 'constructor', '__proto__', 'toString']) expect(statToStatus(s), s).toBeNull();
  });
});

describe('messageStateToStat', () => {
  it('maps the SMPP message_state values to stat words', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(messageStateToStat)).toEqual([
      'ENROUTE', 'DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD', 'SKIPPED',
    ]);
    expect(messageStateToStat(0)).toBe('SCHEDULED');
  });

  it('gives UNKNOWN outside the spec', () => {
    for (const n of [-1, 10, 255, 1.5, Number.NaN]) expect(messageStateToStat(n)).toBe('UNKNOWN');
  });

  it('round-trips into statToStatus', () => {
    expect(statToStatus(messageStateToStat(2))).toBe('delivered');
    expect(statToStatus(messageStateToStat(8))).toBe('rejected');
  });
});

describe('normalizeSmscId', () => {
  it('as-is: lower-cases, trims and strips leading zeros', () => {
    expect(normalizeSmscId('  00ABCdef ', 'as-is')).toBe('abcdef');
    expect(normalizeSmscId('0000012345', 'as-is')).toBe('12345');
    expect(normalizeSmscId('0000', 'as-is')).toBe('0');
    expect(normalizeSmscId('', 'as-is')).toBe('');
    expect(normalizeSmscId('A6E2C3A4-6A0B', 'as-is')).toBe(normalizeSmscId('a6e2c3a4-6a0b', 'as-is'));
  });

  it('hex-to-dec: hex resp id matches the decimal receipt id', () => {
    expect(normalizeSmscId('0A1B2C3D', 'hex-to-dec')).toBe('169552957');
    expect(normalizeSmscId('0x0a1b2c3d', 'hex-to-dec')).toBe('169552957');
    expect(normalizeSmscId('0A1B2C3D', 'hex-to-dec')).toBe(normalizeSmscId('0169552957', 'as-is'));
  });

  it('dec-to-hex: decimal resp id matches the hex receipt id', () => {
    expect(normalizeSmscId('0169552957', 'dec-to-hex')).toBe('a1b2c3d');
    expect(normalizeSmscId('0169552957', 'dec-to-hex')).toBe(normalizeSmscId('0A1B2C3D', 'as-is'));
  });

  it('converts ids beyond 2^53 exactly', () => {
    expect(normalizeSmscId('FFFFFFFFFFFFFFFFFF', 'hex-to-dec')).toBe('4722366482869645213695');
    expect(normalizeSmscId('12345678901234567890', 'dec-to-hex')).toBe('ab54a98ceb1f0ad2');
  });

  it('keeps ids that are not numbers in the expected base, canonicalised', () => {
    expect(normalizeSmscId('msg-00ZZ', 'hex-to-dec')).toBe('msg-00zz');
    expect(normalizeSmscId('00ab', 'dec-to-hex')).toBe('ab');
  });

  it('auto: applied to both sides, hex with letters meets its decimal form', () => {
    expect(normalizeSmscId('0A1B2C3D', 'auto')).toBe(normalizeSmscId('169552957', 'auto'));
    expect(normalizeSmscId('00123', 'auto')).toBe('123');
    expect(normalizeSmscId('uuid-like-id', 'auto')).toBe('uuid-like-id');
    // The documented limit of guessing: an all-digit hex id is read as decimal.
    expect(normalizeSmscId('1234', 'auto')).not.toBe(normalizeSmscId('4660', 'auto'));
  });
});

describe('number forms and id conversions at their edges', () => {
  it('reads a message_state written with a leading zero', () => {
    expect(statToStatus('02')).toBe('delivered');
  });

  it('keeps ids that only partly look like a number in the expected base', () => {
    expect(normalizeSmscId('zz1f', 'hex-to-dec')).toBe('zz1f');
    expect(normalizeSmscId('1fzz', 'hex-to-dec')).toBe('1fzz');
    expect(normalizeSmscId('id12', 'dec-to-hex')).toBe('id12');
    expect(normalizeSmscId('abz', 'auto')).toBe('abz');
  });

  it('auto reads any all-hex id with a letter as hex, wherever the letter is', () => {
    expect(normalizeSmscId('a1', 'auto')).toBe('161');
    expect(normalizeSmscId('1a', 'auto')).toBe('26');
  });
});
