/** Every route checks the key's scope: send routes need send, reads need read, /v1/admin/* needs admin (403 problem otherwise). */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { AdminService } from '../admin/admin-service.js';
import { createClientAuth } from '../frontdoor/client-auth.js';
import type { FrontDoor } from '../frontdoor/front-door.js';
import { noopLogger } from '../log/logger.js';
import { createEdgeMetrics } from '../metrics/edge.js';
import { createApp } from './app.js';

const ok = async () => ({ status: 200, body: { ok: true } });
const frontDoor: FrontDoor = { send: ok, batch: ok, get: ok, list: ok, cancel: ok };
const admin: AdminService = { carriers: ok, setCarrierState: ok, moveBacklog: ok, clients: ok, deadLetters: ok, audit: ok, summary: ok, message: ok, messages: ok };
const KEYS = { send: 'send-only-key-0123456789', read: 'read-only-key-0123456789', admin: 'admin-only-key-0123456789', all: 'all-scopes-key-0123456789' };

const app = createApp({
  frontDoor,
  authenticate: createClientAuth([
    { id: 'sender', apiKey: KEYS.send, scopes: ['send'], rateLimit: 0 },
    { id: 'reader', apiKey: KEYS.read, scopes: ['read'], rateLimit: 0 },
    { id: 'operator', apiKey: KEYS.admin, scopes: ['admin'], rateLimit: 0 },
    { id: 'everything', apiKey: KEYS.all, scopes: ['send', 'read', 'admin'], rateLimit: 0 },
  ]),
  readiness: async () => ({ ready: true, checks: {} }),
  carriers: async () => ({ ready: true, checks: {} }),
  registry: new Registry(),
  metrics: createEdgeMetrics(new Registry()),
  log: noopLogger,
  limits: { maxTextLength: 900, maxBatchSize: 250, maxBodyBytes: 16384, maxBatchBodyBytes: 1 << 20, idempotencyTtlMs: 24 * 3600_000 },
  admin,
});

const ID = '01900000-0000-7000-8000-000000000000';
const ROUTES: { method: string; path: string; scope: 'send' | 'read' | 'admin' }[] = [
  { method: 'POST', path: '/v1/messages', scope: 'send' },
  { method: 'POST', path: '/v1/messages/batch', scope: 'send' },
  { method: 'DELETE', path: `/v1/messages/${ID}`, scope: 'send' },
  { method: 'GET', path: '/v1/messages', scope: 'read' },
  { method: 'GET', path: `/v1/messages/${ID}`, scope: 'read' },
  { method: 'GET', path: '/v1/admin/carriers', scope: 'admin' },
  { method: 'POST', path: '/v1/admin/carriers/sim/pause', scope: 'admin' },
  { method: 'POST', path: '/v1/admin/carriers/sim/resume', scope: 'admin' },
  { method: 'POST', path: '/v1/admin/carriers/sim/drain', scope: 'admin' },
  { method: 'POST', path: '/v1/admin/carriers/sim/move', scope: 'admin' },
  { method: 'GET', path: '/v1/admin/clients', scope: 'admin' },
  { method: 'GET', path: '/v1/admin/dead-letters', scope: 'admin' },
  { method: 'GET', path: '/v1/admin/audit', scope: 'admin' },
  { method: 'GET', path: '/v1/admin/summary', scope: 'admin' },
  { method: 'GET', path: '/v1/admin/messages', scope: 'admin' },
  { method: 'GET', path: `/v1/admin/messages/${ID}`, scope: 'admin' },
];

async function call(method: string, path: string, key: string): Promise<Response> {
  return app.request(path, { method, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) });
}

describe('scopes', () => {
  it.each(ROUTES)('$method $path needs $scope', async ({ method, path, scope }) => {
    for (const held of ['send', 'read', 'admin'] as const) {
      const r = await call(method, path, KEYS[held]);
      if (held === scope) {
        expect(r.status, `${held} key`).toBe(200);
      } else {
        expect(r.status, `${held} key`).toBe(403);
        expect(r.headers.get('content-type')).toBe('application/problem+json');
        const p = (await r.json()) as { type: string; detail: string; requiredScope: string };
        expect(p.type).toBe('urn:smsmesh:problem:forbidden');
        expect(p.requiredScope).toBe(scope);
      }
    }
    expect((await call(method, path, KEYS.all)).status).toBe(200);
    expect((await call(method, path, 'not-a-key-0123456789')).status).toBe(401);
  });
});
