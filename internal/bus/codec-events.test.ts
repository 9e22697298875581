import { describe, expect, it } from 'vitest';
import { decodeEvents, encodeEvents } from './codec.js';
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
