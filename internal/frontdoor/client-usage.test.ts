import { describe, expect, it } from 'vitest';
import type { ApiClient } from './client-auth.js';
import { countRejections } from './client-usage.js';
import type { FrontDoor } from './front-door.js';
import { problemBody } from './problems.js';
import { problemReply, type Reply } from './reply.js';

const client: ApiClient = { id: 'acme', rateLimit: 0, scopes: ['send', 'read'], keyId: 'config:acme' };
const req = { body: new Uint8Array(), idempotencyKey: undefined, dryRun: undefined };

function door(send: Reply, batch: Reply): FrontDoor {
  const unused = async (): Promise<Reply> => ({ status: 200, body: {} });
  return { send: async () => send, batch: async () => batch, get: unused, list: unused, cancel: unused };
}

function counted(d: FrontDoor) {
  const seen: string[] = [];
  return { door: countRejections(d, (c, reason) => seen.push(`${c}:${reason}`)), seen };
}

describe('countRejections', () => {
  it('counts a refused send by its problem type and an accepted one not at all', async () => {
    const refused = counted(door(problemReply('noRoute', 'no carrier'), { status: 200, body: { results: [] } }));
    expect((await refused.door.send(client, req)).status).toBe(422);
    expect(refused.seen).toEqual(['acme:noRoute']);
    const accepted = counted(door({ status: 202, body: { id: 'x', status: 'accepted' } }, { status: 200, body: { results: [] } }));
    await accepted.door.send(client, req);
    expect(accepted.seen).toEqual([]);
  });

  it('counts each refused item of a batch, and a batch refused whole once', async () => {
    const items = [
      { id: 'a', status: 'accepted' },
      problemBody('invalidRequest', 'to is not E.164'),
      problemBody('rateLimited', 'slow down'),
      problemBody('rateLimited', 'slow down'),
      { type: 'urn:smsmesh:problem:notAType', status: 400 },
    ];
    const b = counted(door(problemReply('internal', 'x'), { status: 200, body: { results: items } }));
    await b.door.batch(client, req);
    expect(b.seen).toEqual(['acme:invalidRequest', 'acme:rateLimited', 'acme:rateLimited']);
    const whole = counted(door(problemReply('internal', 'x'), problemReply('malformedJson', 'bad')));
    await whole.door.batch(client, req);
    expect(whole.seen).toEqual(['acme:malformedJson']);
  });

  it('leaves the other operations as they were', async () => {
    const d = door(problemReply('internal', 'x'), problemReply('internal', 'x'));
    const { door: wrapped, seen } = counted(d);
    expect(wrapped.get).toBe(d.get);
    expect(wrapped.list).toBe(d.list);
    expect(wrapped.cancel).toBe(d.cancel);
    await wrapped.get(client, 'id');
    expect(seen).toEqual([]);
  });
});
