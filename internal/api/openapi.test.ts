import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { AdminService } from '../admin/admin-service.js';
import { createClientAuth } from '../frontdoor/client-auth.js';
import type { FrontDoor } from '../frontdoor/front-door.js';
import type { InboundDoor } from '../frontdoor/inbound-door.js';
import { noopLogger } from '../log/logger.js';
import { createEdgeMetrics } from '../metrics/edge.js';
import { createApp } from './app.js';

const unused = () => Promise.reject(new Error('not in this test'));
const frontDoor: FrontDoor = { send: unused, batch: unused, get: unused, list: unused, cancel: unused };
const inboundDoor: InboundDoor = { listInbound: unused, listOptOuts: () => ({ status: 200, body: { optOuts: [] } }), addOptOut: unused, removeOptOut: unused };
const admin: AdminService = { carriers: unused, setCarrierState: unused, moveBacklog: unused, clients: unused, deadLetters: unused, audit: unused, summary: unused, message: unused, messages: unused };
const limits = { maxTextLength: 900, maxBatchSize: 250, maxBodyBytes: 16384, maxBatchBodyBytes: 1 << 20, idempotencyTtlMs: 24 * 3600_000 };

function app() {
  return createApp({
    frontDoor,
    authenticate: createClientAuth([{ id: 'c', apiKey: 'k'.repeat(20), rateLimit: 0 }]),
    readiness: async () => ({ ready: true, checks: {} }),
    carriers: async () => ({ ready: true, checks: {} }),
    registry: new Registry(),
    metrics: createEdgeMetrics(new Registry()),
    log: noopLogger,
    limits,
    failedCallbacks: { list: unused, replay: unused },
    inboundDoor,
    admin,
  });
}

async function doc(): Promise<{ paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, any> } }> {
  return (await app().request('/openapi.json')).json() as never;
}

describe('OpenAPI document', () => {
  it('has an operation for every route the app serves', async () => {
    const a = app();
    const d = await doc();
    const routes = a.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method.toLowerCase(), path: r.path.replace(/:(\w+)/g, '{$1}') }));
    expect(routes.length).toBeGreaterThan(8);
    const missing = routes.filter((r) => !d.paths[r.path]?.[r.method]).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('is generated from the validating schemas, with the limits the config sets', async () => {
    const d = await doc();
    const submit = d.components.schemas.SubmitRequest;
    expect(submit.properties.text.maxLength).toBe(900);
    expect(submit.required).toEqual(['to', 'from', 'text']);
    expect(submit.additionalProperties).toBe(false);
    expect(submit.properties.validity).toMatchObject({ minimum: 60, maximum: 604800 });
    expect(submit.properties.sendAt.format).toBe('date-time');
    expect(d.components.schemas.BatchRequest.properties.messages.maxItems).toBe(250);
    expect(d.components.schemas.BatchRequest.properties.messages.items.properties.idempotencyKey).toBeDefined();
    expect(d.components.schemas.MessageStatus.properties.status.enum).toEqual(expect.arrayContaining(['scheduled', 'canceled']));
    expect(submit.properties.callbackUrl.type).toBe('string');
    expect(d.paths['/v1/callbacks/failed/{id}/replay']).toBeDefined();
  });

  it('serves a browsable reference at /docs from packaged assets', async () => {
    const a = app();
    const page = await a.request('/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('/docs/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await a.request('/docs/swagger-ui-bundle.js');
    expect(js.status).toBe(200);
    expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const init = await a.request('/docs/init.js');
    expect(init.status).toBe(200);
    // Nothing leaves the machine: no validator badge calling out.
    expect(await init.text()).toContain('validatorUrl: null');
    expect((await a.request('/docs/nothing.js')).status).toBe(404);
  });

  it('documents the 429 of rate limits and quotas with their headers, and the 422 of a disallowed sender', async () => {
    const d = await doc();
    for (const op of [d.paths['/v1/messages']!.post, d.paths['/v1/messages/batch']!.post] as { responses: Record<string, any> }[]) {
      expect(Object.keys(op.responses['429'].headers)).toEqual(['Retry-After', 'RateLimit', 'RateLimit-Policy']);
      expect(op.responses['429'].description).toContain('quotaExceeded');
    }
    expect((d.paths['/v1/messages']!.post as { responses: Record<string, any> }).responses['422'].description).toContain('senderNotAllowed');
  });
});
