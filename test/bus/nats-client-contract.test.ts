/**
 * The contract with the NATS client that bus/write-coalescing.ts and bus/pub-ack-inbox.ts rely on. Both reach
 * past the public API of @nats-io/* 3.4 for measured wins, so the versions are pinned exactly and this test fails
 * loudly when an upgrade changes what they depend on (the behaviour itself is tested in pub-ack-inbox.test.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInbox, headers } from '@nats-io/nats-core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../internal/core/paths.js';
import { coalesceWrites } from '../../internal/bus/write-coalescing.js';
import { startTestNats, type TestNats } from '../support/nats.js';

const root = packageRoot();
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  overrides?: Record<string, string>;
};
const require = createRequire(join(root, 'package.json'));

function installedVersion(name: string): string {
  // The package's own package.json, found from the resolved entry point (exports may hide ./package.json).
  let dir = require.resolve(name);
  for (;;) {
    dir = join(dir, '..');
    try {
      const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version: string };
      if (p.name === name) return p.version;
    } catch {
      // not the package root yet
    }
  }
}

let nats: TestNats;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connect({ servers: nats.url, noAsyncTraces: true });
}, 30_000);

afterAll(async () => {
  await nc?.close();
  await nats?.destroy();
});

describe('the NATS client smsmesh is written against', () => {
  it('is pinned to exact versions, and those are the ones installed', () => {
    for (const name of ['@nats-io/nats-core', '@nats-io/jetstream', '@nats-io/transport-node']) {
      const pinned = manifest.dependencies[name];
      expect(pinned, `${name} must be pinned to an exact version in package.json`).toMatch(/^\d+\.\d+\.\d+$/);
      expect(installedVersion(name), `${name}: installed version differs from the pin; run npm ci`).toBe(pinned);
    }
  });

  it('uses the nuid that supports Node 20 (the override in package.json)', () => {
    expect(manifest.overrides?.['@nats-io/nuid']).toBe('2.0.3');
    expect(createRequire(require.resolve('@nats-io/nats-core'))('@nats-io/nuid/package.json')).toMatchObject({ version: '2.0.3' });
    expect(createInbox()).toMatch(/^_INBOX\.[0-9A-Za-z]{22}$/);
  });

  it('still has the protocol internals write coalescing replaces (outbound buffer, flushPending, sendCommand, pendingLimit)', () => {
    const p = (nc as unknown as { protocol: Record<string, unknown> }).protocol;
    expect(typeof p.flushPending).toBe('function');
    expect(typeof p.sendCommand).toBe('function');
    expect(typeof p.pendingLimit).toBe('number');
    const outbound = p.outbound as Record<string, unknown>;
    for (const m of ['length', 'size', 'fill']) expect(typeof outbound[m], `protocol.outbound.${m}`).toBe('function');
    expect(coalesceWrites(nc)).toBe(true);
  });

  it('still sends headers and a reply subject on a plain publish (what the PubAck inbox publishes with)', async () => {
    const inbox = createInbox();
    const got = new Promise<{ reply?: string; id?: string }>((resolve) => {
      const sub = nc.subscribe('contract.x', {
        callback: (_e, m) => {
          sub.unsubscribe();
          resolve({ reply: m.reply, id: m.headers?.get('Nats-Msg-Id') });
        },
      });
    });
    await nc.flush();
    const h = headers();
    h.set('Nats-Msg-Id', 'abc');
    nc.publish('contract.x', new Uint8Array([1]), { reply: `${inbox}.7`, headers: h });
    expect(await got).toEqual({ reply: `${inbox}.7`, id: 'abc' });
  });
});
