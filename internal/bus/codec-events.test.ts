import { describe, expect, it } from 'vitest';
import { decodeEvents, encodeEventChunks, encodeEvents, EVENTS_MAX_BYTES } from './codec.js';
import { factsOf, type StatusEvent } from '../sms/events.js';
import type { MtMessage } from '../sms/message.js';

const mt: MtMessage = {
  id: 'm-1',
  clientId: 'client-a',
  clientRef: 'ref-1',
  carrier: 'uk',
  to: '+447700900123',
  from: 'ACME',
  text: 'hello',
  encoding: 'gsm7',
  segments: 1,
  acceptedAt: 1_700_000_000_000,
};

describe('status event codec', () => {
  it('carries the message facts of a first submitted event and of a failed one, without the text', () => {
    const evs: StatusEvent[] = [
      { kind: 'submitted', id: 'm-1', carrier: 'uk', part: 1, parts: 1, smscMessageId: 's-1', at: 1, message: factsOf(mt) },
      { kind: 'failed', id: 'm-1', carrier: 'uk', status: 'rejected', message: factsOf(mt), error: 'no', at: 2 },
    ];
    const back = decodeEvents(encodeEvents(evs));
    expect(back).toEqual(evs);
    expect(JSON.stringify(back)).not.toContain('hello');
  });

  it('refuses an event whose message facts lack what the store writes', () => {
    const { clientId: _c, ...noClient } = factsOf(mt);
    const bad = [{ kind: 'submitted', id: 'm-1', carrier: 'uk', part: 1, parts: 1, smscMessageId: 's-1', at: 1, message: noClient }];
    expect(() => decodeEvents(new TextEncoder().encode(JSON.stringify(bad)))).toThrow(/field clientId must be a string/);
    const notObject = [{ kind: 'failed', id: 'm-1', carrier: 'uk', status: 'failed', error: 'x', at: 1, message: 'm-1' }];
    expect(() => decodeEvents(new TextEncoder().encode(JSON.stringify(notObject)))).toThrow(/message facts are not an object/);
  });
});

describe('encodeEventChunks', () => {
  const submit = (i: number, ref = `ref-${i}`): StatusEvent => ({
    kind: 'submitted',
    id: `0192f0c4-7a1b-7c3d-8e9f-${String(i).padStart(12, '0')}`,
    carrier: 'uk',
    part: 1,
    parts: 1,
    smscMessageId: `smsc-${i}`,
    at: 1_700_000_000_000 + i,
    message: factsOf({ ...mt, id: `m-${i}`, clientRef: ref, callbackUrl: 'https://hooks.example.com/sms/status?account=1234567890' }),
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  });

  it('keeps a batch that fits as one message, encoded as before', () => {
    const evs = [submit(1), submit(2)];
    expect(encodeEventChunks(evs)).toEqual([encodeEvents(evs)]);
  });

  it('cuts 200 submits with their facts, too large for one message, into messages under the limit, in order', () => {
    const evs = Array.from({ length: 200 }, (_, i) => submit(i, 'r'.repeat(100)));
    expect(encodeEvents(evs).length).toBeGreaterThan(64 * 1024);
    const chunks = encodeEventChunks(evs);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(EVENTS_MAX_BYTES);
    expect(chunks.flatMap((c) => decodeEvents(c))).toEqual(evs);
  });

  it('returns one event larger than the limit as it is, for the publish to refuse', () => {
    const big = submit(1, 'x'.repeat(EVENTS_MAX_BYTES));
    const chunks = encodeEventChunks([big]);
    expect(chunks).toHaveLength(1);
    expect(decodeEvents(chunks[0]!)).toEqual([big]);
  });
});
