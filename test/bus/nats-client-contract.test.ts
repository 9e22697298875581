/**
 * The contract with the NATS client that bus/write-coalescing.ts, bus/pub-ack-inbox.ts and bus/wire-headers.ts rely
 * on. They reach past the public API of @nats-io/* 3.4 for measured wins, so the versions are pinned exactly and this
 * test fails loudly when an upgrade changes what they depend on (the behaviour itself is tested in
 * pub-ack-inbox.test.ts and the suites that publish and consume through them).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInbox, headers, type Msg, type MsgHdrs } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../internal/core/paths.js';
import { coalesceWrites } from '../../internal/bus/write-coalescing.js';
import { headerBlock, headerValue } from '../../internal/bus/wire-headers.js';
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

  it('asks nothing of a publish\'s headers but encode() (what headerBlock gives it), and delivers them decoded', async () => {
    const asked = new Set<PropertyKey>();
    const block = headerBlock('abc', { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })!;
    const watched = new Proxy(block as object, {
      get(t, k, r) {
        asked.add(k);
        return Reflect.get(t, k, r) as unknown;
      },
    }) as MsgHdrs;
    const got = new Promise<Msg>((resolve) => {
      const sub = nc.subscribe('contract.raw', {
        callback: (_e, m) => {
          sub.unsubscribe();
          resolve(m);
        },
      });
    });
    await nc.flush();
    nc.publish('contract.raw', new Uint8Array([1, 2]), { reply: 'contract.reply', headers: watched });
    const m = await got;
    expect([...asked]).toEqual(['encode']);
    expect(m.headers?.get('Nats-Msg-Id')).toBe('abc');
    expect(m.headers?.get('traceparent')).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect([...m.data]).toEqual([1, 2]);
    expect(m.reply).toBe('contract.reply');
  });

  it('keeps a received message\'s raw bytes and header length, which headerValue reads as the client\'s decoding does', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'CONTRACT_HDR', subjects: ['contract.hdr.>'] });
    const sent: (Record<string, string> | undefined)[] = [
      { traceparent: '00-aa-bb-01', 'Nats-Msg-Id': 'one' },
      { 'Nats-Msg-Id': 'two' },
      { traceparent: '  spaced  ', other: 'traceparent: not this one' },
      { traceparent: '' },
      { Traceparent: 'other case', traceparent: 'first' },
      undefined,
    ];
    const core: Msg[] = [];
    const sub = nc.subscribe('contract.hdr.>', {
      callback: (_e, m) => {
        core.push(m);
      },
    });
    await nc.flush();
    for (const [i, h] of sent.entries()) {
      const hs = h ? headers() : undefined;
      if (h && hs) for (const k in h) hs.set(k, h[k]!);
      nc.publish(`contract.hdr.${i}`, new Uint8Array([i]), hs ? { headers: hs } : {});
    }
    await nc.flush();
    const js = jetstream(nc);
    await jsm.consumers.add('CONTRACT_HDR', { durable_name: 'c' });
    const consumer = await js.consumers.get('CONTRACT_HDR', 'c');
    const fetched = [];
    for await (const m of await consumer.fetch({ max_messages: sent.length, expires: 2000 })) {
      fetched.push(m);
      if (fetched.length === sent.length) break;
    }
    sub.unsubscribe();
    expect(core).toHaveLength(sent.length);
    expect(fetched).toHaveLength(sent.length);
    for (const m of [...core, ...fetched]) {
      const raw = ('msg' in m ? (m as { msg: unknown }).msg : m) as { _rdata?: unknown; _msg?: { hdr?: unknown } };
      expect(raw._rdata, 'the message keeps its raw bytes').toBeInstanceOf(Uint8Array);
      expect(typeof raw._msg?.hdr, 'and its header length').toBe('number');
      for (const k of ['traceparent', 'Nats-Msg-Id', 'other', 'absent']) {
        expect(headerValue(m, k), `${m.subject} ${k}`).toBe(m.headers?.get(k) || undefined);
      }
    }
    expect(headerValue(fetched[2]!, 'traceparent')).toBe('spaced');
    expect(headerValue(fetched[4]!, 'traceparent')).toBe('first');
    await jsm.streams.delete('CONTRACT_HDR');
  });
});
