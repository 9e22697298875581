import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { CodecError, decodeMt, encodeMt, peekMtIdentity } from './codec.js';
import { mtMessageJsonSchema } from './mt-schema.js';

const FILE = join(packageRoot(), 'nats', 'mt-message.schema.json');
const enc = new TextEncoder();
const good = {
  id: '0190a0b0-0000-7000-8000-000000000001',
  clientId: 'billing',
  carrier: 'acme',
  to: '+447700900123',
  from: 'ACME',
  text: 'Your code is 1234',
  encoding: 'gsm7',
  segments: 1,
  acceptedAt: 1_767_225_600_000,
};

describe('the MT wire schema', () => {
  it('is what nats/mt-message.schema.json says (UPDATE_SCHEMAS=1 rewrites the file)', () => {
    const generated = `${JSON.stringify(mtMessageJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMAS === '1') writeFileSync(FILE, generated);
    expect(readFileSync(FILE, 'utf8')).toBe(generated);
  });

  it('decodes what the edge publishes, and refuses (undecodable) what breaks the schema, naming the field', () => {
    expect(decodeMt(enc.encode(JSON.stringify(good)))).toEqual(good);
    const withAll = { ...good, clientRef: 'inv-9', sendAt: 1_767_225_700_000, validUntil: 1_767_229_200_000 };
    expect(decodeMt(encodeMt(withAll as never))).toEqual(withAll);
    const broken: [Record<string, unknown>, RegExp][] = [
      [{ ...good, to: '07700900123' }, /^field to must be/],
      [{ ...good, encoding: 'auto' }, /^field encoding must be/],
      [{ ...good, segments: 0 }, /^field segments must be/],
      [{ ...good, id: 'order-1' }, /^field id must be/],
      [{ ...good, priority: 'high' }, /^field priority must not be there/],
      [(({ text: _t, ...rest }) => rest)(good), /^field text must be/],
    ];
    for (const [body, why] of broken) {
      const err = (() => {
        try {
          decodeMt(enc.encode(JSON.stringify(body)));
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(CodecError);
      expect((err as Error).message).toMatch(why);
    }
    expect(() => decodeMt(enc.encode('not json'))).toThrow(CodecError);
  });

  it('still finds the id of a broken message, so it can be recorded failed', () => {
    expect(peekMtIdentity(enc.encode(JSON.stringify({ ...good, to: 'nope' })))).toEqual({ id: good.id, carrier: 'acme', clientId: 'billing' });
    expect(peekMtIdentity(enc.encode('{"to":"+447700900123"}'))).toBeUndefined();
  });
});
