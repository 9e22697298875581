import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/test-prng.js';
import { readStoredAck } from './pub-ack-read.js';

const b = (s: string) => new Uint8Array(Buffer.from(s));

describe('readStoredAck', () => {
  it('reads the acks nats-server 2.9 writes for a message stored and for a duplicate (bytes as the server sent them)', () => {
    expect(readStoredAck(b('{"stream":"SMS_MT", "seq":1}'))).toEqual({ stream: 'SMS_MT', seq: 1, duplicate: false });
    expect(readStoredAck(b('{"stream":"SMS_MT", "seq":1,"duplicate": true}'))).toEqual({ stream: 'SMS_MT', seq: 1, duplicate: true });
    expect(readStoredAck(b('{"stream":"KV_SMSMESH_IDEMPOTENCY", "seq":9007199254740}'))).toEqual({ stream: 'KV_SMSMESH_IDEMPOTENCY', seq: 9007199254740, duplicate: false });
  });

  it('reads the same acks written without spaces', () => {
    expect(readStoredAck(b('{"stream":"A","seq":42}'))).toEqual({ stream: 'A', seq: 42, duplicate: false });
    expect(readStoredAck(b('{"stream":"A","seq":42,"duplicate":true}'))).toEqual({ stream: 'A', seq: 42, duplicate: true });
  });

  it('leaves everything else to JSON.parse: errors, a domain, other fields, escapes, non-ASCII names, huge or missing numbers, junk', () => {
    for (const s of [
      '{"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"},"stream":"S","seq":0}',
      '{"stream":"S", "domain":"hub", "seq":3}',
      '{"stream":"S", "seq":3, "val":"x"}',
      '{"stream":"S", "seq":3,"duplicate": false}',
      '{"stream":"S\\"x", "seq":3}',
      '{"stream":"Sü", "seq":3}',
      '{"stream":"S", "seq":1234567890123456}',
      '{"stream":"S", "seq":}',
      '{"stream":"S", "seq":-1}',
      '{"stream":"", "seq":1}',
      '{"stream":"S", "seq":1} ',
      '{"stream":"S", "seq":1',
      '{"stream":"S"',
      '{"seq":1,"stream":"S"}',
      '',
      'not json',
    ]) {
      expect(readStoredAck(b(s)), s).toBeUndefined();
    }
  });

  it('agrees with JSON.parse wherever it reads an ack (random names, numbers and spacing)', () => {
    const rnd = seededRandom(16);
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_-0123456789abc';
    for (let n = 0; n < 2000; n++) {
      const name = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => chars[Math.floor(rnd() * chars.length)]).join('');
      const seq = Math.floor(rnd() * 10 ** Math.floor(1 + rnd() * 14));
      const sp = () => (rnd() < 0.5 ? '' : ' ');
      const dup = rnd() < 0.3;
      const text = `{"stream":"${name}",${sp()}"seq":${sp()}${seq}${dup ? `,${sp()}"duplicate":${sp()}true` : ''}}`;
      const parsed = JSON.parse(text) as { stream: string; seq: number; duplicate?: boolean };
      expect(readStoredAck(b(text)), text).toEqual({ stream: parsed.stream, seq: parsed.seq, duplicate: parsed.duplicate === true });
    }
  });

  it('gives each ack its own stream name, also when the previous ack came from another stream', () => {
    expect(readStoredAck(b('{"stream":"AB", "seq":1}'))!.stream).toBe('AB');
    expect(readStoredAck(b('{"stream":"CD", "seq":2}'))!.stream).toBe('CD');
    expect(readStoredAck(b('{"stream":"CD", "seq":3}'))!.stream).toBe('CD');
    expect(readStoredAck(b('{"stream":"ABC", "seq":4}'))!.stream).toBe('ABC');
  });
});
