import { describe, expect, it } from 'vitest';
import { callbackError, statusCallbackFor, type ChangedMessage } from './status-payload.js';

const row = (o: Partial<ChangedMessage> = {}): ChangedMessage => ({
  id: 'm1',
  clientId: 'acme',
  clientRef: 'order-1',
  status: 'delivered',
  carrier: 'k',
  to: '+447700900001',
  segments: 1,
  error: null,
  doneAt: '2026-12-03T10:00:00.000Z',
  callbackUrl: null,
  ...o,
});
const finalOnly = { callbackUrl: 'https://client.example/cb', callbackEvents: 'final' as const };
const every = { callbackUrl: 'https://client.example/cb', callbackEvents: 'all' as const };
const receipt = (st: string | null, stat: string) => ({ k: 'r' as const, c: 'k', x: 's1', st, stat, err: null, at: 1000 });

describe('status callbacks', () => {
  it('sends a final state with a webhook-id that the same change always gets', () => {
    const cb = statusCallbackFor(receipt('delivered', 'DELIVRD'), row(), finalOnly)!;
    expect(cb.wid).toBe('msg_m1_delivered');
    expect(cb.url).toBe('https://client.example/cb');
    expect(JSON.parse(cb.body)).toEqual({
      type: 'message.status',
      id: 'm1',
      clientRef: 'order-1',
      status: 'delivered',
      carrier: 'k',
      to: '+447700900001',
      segments: 1,
      error: null,
      at: '2026-12-03T10:00:00.000Z',
    });
    expect(statusCallbackFor({ k: 'f', id: 'm1', st: 'failed', at: 5 }, row(), finalOnly)!.wid).toBe('msg_m1_delivered');
  });

  it('prefers the message\'s own callbackUrl, and sends nothing without any URL or client', () => {
    expect(statusCallbackFor(receipt('delivered', 'DELIVRD'), row({ callbackUrl: 'https://own.example/x' }), finalOnly)!.url).toBe('https://own.example/x');
    expect(statusCallbackFor(receipt('delivered', 'DELIVRD'), row(), { callbackEvents: 'final' })).toBeUndefined();
    expect(statusCallbackFor(receipt('delivered', 'DELIVRD'), row({ clientId: null }), finalOnly)).toBeUndefined();
    expect(statusCallbackFor(receipt('delivered', 'DELIVRD'), row(), undefined)).toBeUndefined();
  });

  it('sends submits and intermediate receipts only to clients that asked for all', () => {
    const submitted = { k: 's' as const, id: 'm1', at: 2000 };
    expect(statusCallbackFor(submitted, row({ status: 'submitted' }), finalOnly)).toBeUndefined();
    const s = statusCallbackFor(submitted, row({ status: 'submitted' }), every)!;
    expect(s.wid).toBe('msg_m1_submitted');
    expect(JSON.parse(s.body).status).toBe('submitted');
    expect(statusCallbackFor(receipt(null, 'ENROUTE'), row({ status: 'submitted' }), finalOnly)).toBeUndefined();
    const r = statusCallbackFor(receipt(null, 'ENROUTE'), row({ status: 'submitted' }), every)!;
    expect(JSON.parse(r.body).receipt).toEqual({ stat: 'ENROUTE', err: null });
    // One part of a multi-part message is final, the message not yet.
    expect(statusCallbackFor(receipt('delivered', 'DELIVRD'), row({ status: 'submitted' }), every)).toBeUndefined();
  });

  it('structures the recorded error', () => {
    expect(callbackError('undeliverable', 'stat:UNDELIV err:001')).toEqual({ code: 'receipt', message: 'stat:UNDELIV err:001', stat: 'UNDELIV', err: '001' });
    expect(callbackError('rejected', 'smsc status 0x0000000b ESME_RINVDSTADR')).toEqual({ code: 'smsc_status', message: 'smsc status 0x0000000b ESME_RINVDSTADR', smscStatus: 11 });
    expect(callbackError('expired', 'validity ended')).toEqual({ code: 'expired', message: 'validity ended' });
    expect(callbackError('delivered', null)).toBeNull();
  });
});
