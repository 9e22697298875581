import { describe, expect, it } from 'vitest';
import type { KvStore } from '../bus/kv-store.js';
import { noopLogger } from '../log/logger.js';
import { createOptOutWriter, optOutKey, watchOptOuts } from './opt-outs.js';

/** A bucket in memory with the KvStore contract the opt-outs use: put, erase, a watch from the start, the last revision. */
function memoryKv(): KvStore & { log: { key: string; value: Uint8Array | null; revision: number }[]; deliver: boolean } {
  const log: { key: string; value: Uint8Array | null; revision: number }[] = [];
  const watchers = new Set<(k: string, v: Uint8Array | null, r: number) => void>();
  const state = { log, deliver: true };
  const write = (key: string, value: Uint8Array | null) => {
    const e = { key, value, revision: log.length + 1 };
    log.push(e);
    if (state.deliver) for (const w of watchers) w(e.key, e.value, e.revision);
    return e.revision;
  };
  const unused = () => Promise.reject(new Error('not used'));
  return Object.assign(state, {
    create: unused,
    update: unused,
    get: unused,
    delete: unused,
    put: async (key: string, value: Uint8Array) => write(key, value),
    erase: async (key: string) => void write(key, null),
    lastRevision: async () => log.length,
    async watch(onEntry: (k: string, v: Uint8Array | null, r: number) => void) {
      // Latest value per key, in revision order, then live changes (when delivering).
      const latest = new Map<string, (typeof log)[number]>();
      for (const e of log) {
        latest.delete(e.key);
        latest.set(e.key, e);
      }
      if (state.deliver) for (const e of latest.values()) onEntry(e.key, e.value, e.revision);
      watchers.add(onEntry);
      return { stop: () => watchers.delete(onEntry) };
    },
  });
}

const entry = (number: string, sender: string | null) => ({ number, sender, at: '2026-12-03T00:00:00.000Z', source: 'keyword' as const });

describe('opt-out lists', () => {
  it('refuses a number for the sender it opted out of, or for every sender after a client-wide opt-out', async () => {
    const kv = memoryKv();
    const w = createOptOutWriter(kv);
    const set = await watchOptOuts(kv, { log: noopLogger });
    await w.optOut('shop', entry('+447700900001', '12345'));
    expect(set.isOptedOut('shop', '+447700900001', '12345')).toBe(true);
    // Senders compare without "+".
    expect(set.isOptedOut('shop', '+447700900001', '+12345')).toBe(true);
    expect(set.isOptedOut('shop', '+447700900001', 'ACME')).toBe(false);
    expect(set.isOptedOut('other', '+447700900001', '12345')).toBe(false);
    await w.optOut('shop', entry('+447700900001', null));
    expect(set.isOptedOut('shop', '+447700900001', 'ACME')).toBe(true);
    expect(set.entries('shop').map((e) => e.sender)).toEqual([null, '12345']);
    expect(set.size).toBe(2);

    // Opting back in to 12345 lifts that entry and the client-wide one; entries for other senders stay.
    await w.optOut('shop', entry('+447700900001', '54321'));
    await w.optIn('shop', '+447700900001', '+12345');
    expect(set.isOptedOut('shop', '+447700900001', '12345')).toBe(false);
    expect(set.isOptedOut('shop', '+447700900001', 'ACME')).toBe(false);
    expect(set.isOptedOut('shop', '+447700900001', '54321')).toBe(true);
    await w.remove('shop', set.entriesOf('shop', '+447700900001'));
    expect(set.entries('shop')).toEqual([]);
    expect(set.size).toBe(0);
  });

  it('loads what the bucket holds before resolving, and waits until it has', async () => {
    const kv = memoryKv();
    const w = createOptOutWriter(kv);
    await w.optOut('shop', entry('+447700900002', '12345'));
    await w.optOut('shop', entry('+447700900003', null));
    await w.optIn('shop', '+447700900003', '12345');
    const set = await watchOptOuts(kv, { log: noopLogger });
    expect(set.isOptedOut('shop', '+447700900002', '12345')).toBe(true);
    expect(set.isOptedOut('shop', '+447700900003', 'ACME')).toBe(false);

    // A watch that does not catch up in time fails the start rather than serving without the list.
    kv.deliver = false;
    await expect(watchOptOuts(kv, { log: noopLogger, readyTimeoutMs: 50 })).rejects.toThrow(/not loaded/);
  });

  it('keys entries so that client, number and sender can hold any characters a KV key cannot', () => {
    const k = optOutKey('client.with.dots', '+447700900001', 'A B&C');
    expect(k).toMatch(/^[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+$/);
    expect(optOutKey('c', '+1', null)).not.toBe(optOutKey('c', '+1', '='));
  });
});
