import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/test-prng.js';
import { isWireMt, MT_OPTIONAL, MT_REQUIRED } from './mt-check.js';
import { mtMessageSchema } from './mt-schema.js';

const good = {
  id: '0190a0b0-0000-7000-8000-000000000001',
  clientId: 'billing',
  clientRef: 'inv-9',
  carrier: 'acme',
  to: '+447700900123',
  from: 'ACME',
  text: 'Your code is 1234',
  encoding: 'gsm7',
  segments: 1,
  acceptedAt: 1_767_225_600_000,
  sendAt: 1_767_225_700_000,
  validUntil: 1_767_229_200_000,
  callbackUrl: 'https://hooks.example/sms',
};

const MISSING = Symbol('missing');
/** Per field, values on both sides of each rule of the schema (and MISSING: the field left out). */
const VALUES: Record<string, unknown[]> = {
  id: ['0190a0b0-0000-7000-8000-000000000001', '0190A0B0-0000-7000-8000-000000000001', 'order-1', '', 7, null, MISSING],
  clientId: ['billing', '', 'x'.repeat(64), 'x'.repeat(65), 1, MISSING],
  clientRef: ['inv-9', '', 'x'.repeat(64), 'x'.repeat(65), 'has space', 'ü', 9, null, MISSING],
  carrier: ['acme', 'a_b-9', '', 'ACME', 'a'.repeat(64), 'a'.repeat(65), 'a.b', [], MISSING],
  to: ['+447700900123', '+1234567', '+123456', '+123456789012345', '+1234567890123456', '+0447700900123', '447700900123', MISSING],
  from: ['ACME', '', '1234567890123456', '12345678901234567', 5, MISSING],
  text: ['hi', '', 'ü'.repeat(500), { t: 1 }, MISSING],
  encoding: ['gsm7', 'ucs2', 'latin1', 'binary', 'auto', 'GSM7', 0, MISSING],
  segments: [1, 255, 0, 256, 1.5, -1, '1', 2 ** 53, MISSING],
  acceptedAt: [1_767_225_600_000, 0, -5, 1.25, '1', null, MISSING],
  sendAt: [1_767_225_700_000, 0, 'soon', null, true, MISSING],
  validUntil: [1_767_229_200_000, -1, '', null, MISSING],
  callbackUrl: ['https://hooks.example/sms', 'http://x', 'ftp://x', 'https://', 'https://a b', `https://${'a'.repeat(1992)}`, `https://${'a'.repeat(1993)}`, 3, MISSING],
};


function variant(next: () => number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, vs] of Object.entries(VALUES)) {
    // Mostly the good value, so that one broken field at a time is common and messages that pass are too.
    const v = next() < 0.75 ? good[k as keyof typeof good] : vs[Math.floor(next() * vs.length)];
    if (v !== MISSING) o[k] = v;
  }
  if (next() < 0.05) o.priority = 'high';
  return o;
}

const verdicts = (o: unknown) => {
  const zod = mtMessageSchema.safeParse(o);
  return { fast: isWireMt(o), zod: zod.success, data: zod.success ? zod.data : undefined };
};

describe('isWireMt, the hand-written MT check', () => {
  it('knows the schema\'s fields, and which of them are optional', () => {
    const shape = mtMessageSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
    expect(Object.keys(shape).sort()).toEqual([...MT_REQUIRED, ...MT_OPTIONAL].sort());
    expect(Object.keys(shape).filter((k) => shape[k]!.safeParse(undefined).success).sort()).toEqual([...MT_OPTIONAL].sort());
    expect(Object.keys(VALUES).sort()).toEqual(Object.keys(shape).sort());
  });

  it('accepts what the schema accepts, unchanged, with and without the optional fields', () => {
    const { clientRef: _r, sendAt: _s, validUntil: _v, callbackUrl: _c, ...required } = good;
    for (const o of [good, required]) {
      expect(verdicts(o)).toEqual({ fast: true, zod: true, data: o });
    }
  });

  it('refuses what the schema refuses: not an object, an unknown key, each rule broken in turn', () => {
    for (const o of [null, 'x', 3, [good], { ...good, priority: 'high' }, JSON.parse(`{"__proto__":1,${JSON.stringify(good).slice(1)}`)]) {
      expect(verdicts(o)).toMatchObject({ fast: false, zod: false });
    }
    for (const [k, vs] of Object.entries(VALUES)) {
      for (const v of vs) {
        const o: Record<string, unknown> = { ...good };
        if (v === MISSING) delete o[k];
        else o[k] = v;
        const r = verdicts(o);
        expect({ field: k, value: v, fast: r.fast }).toEqual({ field: k, value: v, fast: r.zod });
      }
    }
  });

  it('gives the schema\'s verdict on 20,000 generated messages (JSON round trip, as they arrive)', () => {
    const next = seededRandom(20261204);
    let passed = 0;
    for (let i = 0; i < 20_000; i++) {
      const o = JSON.parse(JSON.stringify(variant(next))) as unknown;
      const r = verdicts(o);
      if (r.fast !== r.zod) expect({ case: i, message: o, fast: r.fast }).toEqual({ case: i, message: o, fast: r.zod });
      if (r.zod) {
        passed++;
        expect(r.data).toEqual(o);
      }
    }
    // Both sides of the rules are exercised, not only one.
    expect(passed).toBeGreaterThan(500);
    expect(passed).toBeLessThan(19_500);
  });
});
