import { JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { TimeoutError } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { noopLogger } from '../log/logger.js';
import { ensureTopologyAtStart, retryWhileJetStreamBusy } from './topology-at-start.js';

const opts = { replicas: 3, duplicateWindowMs: 120_000, maxBacklogBytes: 1e9, connectorAckWaitMs: 30_000, carriers: [{ id: 'a', binds: 1, window: 10 }] };
const notFound = () => new JetStreamApiError({ code: 404, err_code: 10059, description: 'not found' });

/** A JetStream manager over maps whose first `failures` calls throw `fault()`. */
function fakeJsm(failures: number, fault: () => Error) {
  const streams = new Map<string, unknown>();
  const consumers = new Map<string, unknown>();
  let calls = 0;
  const step = () => {
    calls++;
    if (calls <= failures) throw fault();
  };
  const jsm = {
    streams: {
      info: async (name: string) => (step(), streams.has(name) ? { config: streams.get(name) } : Promise.reject(notFound())),
      add: async (cfg: { name: string }) => (step(), streams.set(cfg.name, cfg)),
      update: async (name: string, cfg: unknown) => (step(), streams.set(name, cfg)),
    },
    consumers: {
      info: async (s: string, d: string) => (step(), consumers.has(`${s}/${d}`) ? {} : Promise.reject(notFound())),
      add: async (s: string, cfg: { durable_name: string }) => (step(), consumers.set(`${s}/${cfg.durable_name}`, cfg)),
      update: async () => step(),
      delete: async (s: string, d: string) => (step(), consumers.delete(`${s}/${d}`) ? true : Promise.reject(notFound())),
    },
  } as unknown as JetStreamManager;
  return { jsm, streams, consumers, calls: () => calls };
}

describe('topology at start', () => {
  const noSleep = { sleep: async () => {} };

  it('retries what the cluster left unanswered until every stream and consumer is there', async () => {
    const f = fakeJsm(3, () => new TimeoutError());
    await ensureTopologyAtStart(f.jsm, opts, noopLogger, noSleep);
    expect([...f.streams.keys()].sort()).toEqual(['SMS_AUDIT', 'SMS_CHANGES', 'SMS_DEAD', 'SMS_EVENTS', 'SMS_MO', 'SMS_MT', 'SMS_SCHEDULED']);
    expect(f.consumers.has('SMS_MT/connector-a')).toBe(true);
  });

  it('retries "JetStream unavailable" (503) too', async () => {
    const f = fakeJsm(2, () => new JetStreamApiError({ code: 503, err_code: 10008, description: 'JetStream system temporarily unavailable' }));
    await ensureTopologyAtStart(f.jsm, opts, noopLogger, noSleep);
    expect(f.streams.size).toBe(7);
  });

  it('fails at once on anything else, and after the deadline on timeouts', async () => {
    const denied = fakeJsm(1, () => new JetStreamApiError({ code: 403, err_code: 10000, description: 'denied' }));
    await expect(ensureTopologyAtStart(denied.jsm, opts, noopLogger, noSleep)).rejects.toThrow(/denied/);
    expect(denied.calls()).toBe(1);
    const stuck = fakeJsm(Number.MAX_SAFE_INTEGER, () => new TimeoutError());
    await expect(ensureTopologyAtStart(stuck.jsm, opts, noopLogger, { ...noSleep, deadlineMs: 0 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('gives any set-up step (the buckets) the same patience, and names it when it waits', async () => {
    const warnings: string[] = [];
    const log = { ...noopLogger, warn: (_: object | string, msg?: string) => void warnings.push(msg ?? '') };
    let calls = 0;
    const step = async () => {
      calls++;
      if (calls <= 2) throw new TimeoutError();
      return 'buckets there';
    };
    await expect(retryWhileJetStreamBusy('creating key-value buckets', step, log, noSleep)).resolves.toBe('buckets there');
    expect(calls).toBe(3);
    expect(warnings).toEqual(['JetStream did not answer while creating key-value buckets; retrying', 'JetStream did not answer while creating key-value buckets; retrying']);
    await expect(retryWhileJetStreamBusy('creating key-value buckets', () => Promise.reject(new Error('bucket config refused')), log, noSleep)).rejects.toThrow(/refused/);
  });
});
