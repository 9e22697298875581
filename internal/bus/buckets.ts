/** The key-value buckets of the gateway, created or updated idempotently at start-up beside the streams. */
import type { Bus } from './connection.js';
import { ensureBucket } from './kv-store.js';
import { Buckets } from './subjects.js';

export interface BucketsOptions {
  replicas: number;
  idempotencyTtlMs: number;
  idempotencyStorage: 'file' | 'memory';
  /** Cancellations must outlive the messages they stop: as long as a message can be held, plus a day. */
  maxAheadMs: number;
}

export async function ensureBuckets(bus: Pick<Bus, 'js' | 'jsm'>, o: BucketsOptions): Promise<void> {
  await ensureBucket(bus, { name: Buckets.idempotency, ttlMs: o.idempotencyTtlMs, storage: o.idempotencyStorage, replicas: o.replicas });
  await ensureBucket(bus, { name: Buckets.canceled, ttlMs: o.maxAheadMs + 24 * 3600_000, storage: 'file', replicas: o.replicas });
  // A client's bucket untouched for an hour is full again anyway; a lost one (memory storage) only starts full.
  await ensureBucket(bus, { name: Buckets.clientRates, ttlMs: 3600_000, storage: 'memory', replicas: o.replicas });
  // Quotas must survive restarts (of edges and of NATS): file storage, kept past the end of their UTC day.
  await ensureBucket(bus, { name: Buckets.clientQuotas, ttlMs: 2 * 24 * 3600_000, storage: 'file', replicas: o.replicas });
  // An opt-out holds until lifted: no expiry.
  await ensureBucket(bus, { name: Buckets.optOuts, ttlMs: 0, storage: 'file', replicas: o.replicas });
  // Kept until changed: a key lives until revoked, a pause until resumed (ttl 0 = no expiry).
  await ensureBucket(bus, { name: Buckets.apiKeys, ttlMs: 0, storage: 'file', replicas: o.replicas });
  await ensureBucket(bus, { name: Buckets.carrierControl, ttlMs: 0, storage: 'file', replicas: o.replicas });
}
