import { describe, expect, it } from 'vitest';
import type { Acceptor, AcceptResult } from '../ingest/accept-message.js';
import type { ApiClient } from './client-auth.js';
import type { Admission, ClientLimits } from './client-limits.js';
import { createFrontDoor } from './front-door.js';

const enc = new TextEncoder();
const ok = (): AcceptResult => ({ kind: 'accepted', replayed: false, id: '0190', status: 'accepted', carrier: 'a', segments: 1, encoding: 'gsm7' });

/** Accepts everything except the sender "BAD" (refused as the acceptor does for allowedSenders) and dry runs. */
const acceptor: Acceptor = {
  async accept(req) {
    const from = (req.body as { from?: string }).from ?? '';
    if (from === 'BAD') return { kind: 'sender_not_allowed', from };
    return req.dryRun ? { kind: 'dry_run', status: 'accepted', carrier: 'a', segments: 1, encoding: 'gsm7' } : ok();
  },
  async acceptBatch(_c, items) {
    return items.map((i) => ((i as { from?: string }).from === 'BAD' ? { kind: 'sender_not_allowed', from: 'BAD' } : ok()));
  },
};

/** Limits that admit a scripted number and record refunds. */
function scripted(admissions: Admission[]): ClientLimits & { refunded: number } {
  const l = {
    refunded: 0,
    async admit(_id: string, _p: unknown, n: number) {
      const a = admissions.shift();
      return a ? { ...a, granted: Math.min(a.granted, n) } : { granted: n };
    },
    refund(_id: string, n: number) {
      l.refunded += n;
    },
    async close() {},
  };
  return l;
}

const client: ApiClient = { id: 'c', rateLimit: 50, dailyQuota: 1000, scopes: ['send', 'read'], keyId: 'config:c' };
const send = (from = 'ACME') => ({ body: enc.encode(JSON.stringify({ to: '+447700900123', from, text: 'hi' })), idempotencyKey: undefined, dryRun: undefined });

function door(limits: ClientLimits) {
  return createFrontDoor({ acceptor, limits, store: undefined, cancels: undefined, logCause: () => {}, maxBatchSize: 100, retryAfterS: 1 });
}

describe('front door limits', () => {
  it('answers a rate refusal with 429 rateLimited, Retry-After and the RateLimit headers', async () => {
    const r = await door(scripted([{ granted: 0, refusal: { kind: 'rate', retryAfterS: 2 } }])).send(client, send());
    expect(r.status).toBe(429);
    expect(r.body).toMatchObject({ type: 'urn:smsmesh:problem:rateLimited' });
    expect(r.headers).toEqual({ 'Retry-After': '2', RateLimit: '"rate";r=0;t=2', 'RateLimit-Policy': '"rate";q=50;w=1, "daily";q=1000;w=86400' });
  });

  it('answers a quota refusal with 429 quotaExceeded', async () => {
    const r = await door(scripted([{ granted: 0, refusal: { kind: 'quota', retryAfterS: 3600 } }])).send({ ...client, rateLimit: 0.2 }, send());
    expect(r.status).toBe(429);
    expect(r.body).toMatchObject({ type: 'urn:smsmesh:problem:quotaExceeded', status: 429 });
    expect(r.headers).toMatchObject({ 'Retry-After': '3600', RateLimit: '"daily";r=0;t=3600', 'RateLimit-Policy': '"rate";q=1;w=5, "daily";q=1000;w=86400' });
  });

  it('answers a disallowed sender with 422 senderNotAllowed and gives the quota back', async () => {
    const limits = scripted([]);
    const r = await door(limits).send(client, send('BAD'));
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ type: 'urn:smsmesh:problem:senderNotAllowed', errors: [{ field: 'from' }] });
    expect(limits.refunded).toBe(1);
  });

  it('gives back the quota of dry runs and malformed bodies, never of a stored message', async () => {
    const limits = scripted([]);
    const d = door(limits);
    expect((await d.send(client, send())).status).toBe(202);
    expect(limits.refunded).toBe(0);
    expect((await d.send(client, { ...send(), dryRun: 'true' })).status).toBe(200);
    expect((await d.send(client, { ...send(), body: enc.encode('{') })).status).toBe(400);
    expect(limits.refunded).toBe(2);
  });

  it('refuses the items of a batch past the quota each with its own 429, the others go ahead', async () => {
    const limits = scripted([{ granted: 2, refusal: { kind: 'quota', retryAfterS: 60 } }]);
    const items = [send(), send('BAD'), send(), send()].map((s) => JSON.parse(new TextDecoder().decode(s.body)) as unknown);
    const r = await door(limits).batch(client, { body: enc.encode(JSON.stringify({ messages: items })), idempotencyKey: undefined, dryRun: undefined });
    expect(r.status).toBe(200);
    const results = (r.body as { results: { status: unknown; type?: string }[] }).results;
    expect(results.map((x) => x.status)).toEqual(['accepted', 422, 429, 429]);
    expect(results[2]!.type).toBe('urn:smsmesh:problem:quotaExceeded');
    expect(limits.refunded).toBe(1);
  });
});
