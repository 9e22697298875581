import { describe, expect, it } from 'vitest';
import { decodeMt } from '../bus/codec.js';
import type { Publisher } from '../bus/publisher.js';
import { createRouteTable } from '../routing/route-table.js';
import { createAcceptor } from './accept-message.js';

function acceptor(callbacksEnabled: boolean) {
  const published: Uint8Array[] = [];
  const publisher: Publisher = {
    async publish(_subject, data) {
      published.push(data);
      return { stream: 'SMS_MT', seq: published.length, duplicate: false };
    },
  };
  const a = createAcceptor({ publisher, routes: createRouteTable([{ prefix: '+44', carrier: 'uk' }]), maxTextLength: 1600, publishDeadlineMs: 1000, callbacksEnabled });
  return { a, published };
}

const body = { to: '+447700900123', from: 'ACME', text: 'hi', callbackUrl: 'https://hooks.example/sms' };

describe('a message\'s own callbackUrl', () => {
  it('travels in the MT message when callbacks are on', async () => {
    const { a, published } = acceptor(true);
    expect((await a.accept({ clientId: 'c', body })).kind).toBe('accepted');
    expect(decodeMt(published[0]!).callbackUrl).toBe('https://hooks.example/sms');
  });

  it('is refused, not ignored, when callbacks are off, and nothing is sent', async () => {
    const { a, published } = acceptor(false);
    expect(await a.accept({ clientId: 'c', body })).toEqual({
      kind: 'invalid',
      problems: [{ field: 'callbackUrl', message: 'cannot be used: callbacks are not enabled on this gateway (callbacks.enabled)' }],
    });
    expect((await a.accept({ clientId: 'c', body: { ...body, callbackUrl: undefined } })).kind).toBe('accepted');
    expect(published).toHaveLength(1);
  });
});
