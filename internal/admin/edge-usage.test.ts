import { describe, expect, it } from 'vitest';
import type { FrontDoor } from '../frontdoor/front-door.js';
import { problemReply } from '../frontdoor/reply.js';
import { ACCEPT_BUCKETS_S, createUsageCounter } from './edge-usage.js';

const client = { id: 'c1', rateLimit: 0, scopes: ['send' as const], keyId: 'config:c1' };
const req = { body: new Uint8Array(), idempotencyKey: undefined, dryRun: undefined };

describe('usage counter', () => {
  it('counts accepted sends and batch items, problems by type, and observes accept latency once per call', async () => {
    let next = 0;
    const answers = [
      { status: 202, body: { id: 'a' } },
      problemReply('invalidRequest', 'bad'),
      { status: 200, body: { dryRun: true } },
    ];
    const fd: FrontDoor = {
      send: async () => answers[next++]!,
      batch: async () => ({ status: 200, body: { results: [{ id: 'x', status: 'accepted' }, { id: 'y', status: 'accepted' }, problemReply('rateLimited', 'slow').body] } }),
      get: async () => ({ status: 200, body: {} }),
      list: async () => ({ status: 200, body: {} }),
      cancel: async () => ({ status: 200, body: {} }),
    };
    const usage = createUsageCounter('edge-1', () => Date.UTC(2026, 0, 1));
    const counted = usage.wrap(fd);
    await counted.send(client, req);
    await counted.send(client, req);
    await counted.send(client, req);
    await counted.batch(client, req);
    const s = usage.snapshot();
    expect(s).toMatchObject({ edge: 'edge-1', startedAt: '2026-01-01T00:00:00.000Z' });
    expect(s.clients).toEqual({ c1: { accepted: 3, rejected: { invalidRequest: 1, rateLimited: 1 } } });
    expect(s.acceptLatency).toHaveLength(ACCEPT_BUCKETS_S.length + 1);
    expect(s.acceptLatency.reduce((a, b) => a + b, 0)).toBe(2);
  });
});
