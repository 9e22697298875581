/**
 * A JetStream key-value bucket as the gateway uses it: compare-and-set writes that go through the PubAck inbox (one
 * publish each, like every other durable write here), reads and watches through the KV client.
 */
import { StorageType } from '@nats-io/jetstream';
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import { addOrAdopt, unlessNotFound } from './add-or-adopt.js';
import type { Bus } from './connection.js';
import { PubAckError } from './pub-ack-inbox.js';

/** JetStream's "wrong last sequence" (the compare in a compare-and-set failed). */
const WRONG_LAST_SEQUENCE = 10071;

export class KvConflictError extends Error {
  override readonly name = 'KvConflictError';
}

export interface KvRecord {
  value: Uint8Array;
  revision: number;
}

export interface KvStore {
  /** Writes `value` if the key has no live value; resolves to the new revision, or throws KvConflictError. */
  create(key: string, value: Uint8Array): Promise<number>;
  /** Writes `value` if the key's revision is still `revision`; throws KvConflictError otherwise. */
  update(key: string, value: Uint8Array, revision: number): Promise<number>;
  /** Writes unconditionally. */
  put(key: string, value: Uint8Array): Promise<number>;
  /** The live value, or null when absent, deleted or expired. */
  get(key: string): Promise<KvRecord | null>;
  /** Deletes if the key's revision is still `revision` (a delete marker, so a later create works). */
  delete(key: string, revision: number): Promise<void>;
  /** Deletes whatever the key holds (a delete marker, so a later create works). */
  erase(key: string): Promise<void>;
  /** Every key's latest value, then each change as it happens; `value` null for a delete. */
  watch(onEntry: (key: string, value: Uint8Array | null, revision: number) => void): Promise<{ stop(): void }>;
  /** The bucket's latest revision (0 when it never held anything): a watch has seen every earlier write once it reaches it. */
  lastRevision(): Promise<number>;
}

export interface BucketOptions {
  name: string;
  ttlMs: number;
  storage: 'file' | 'memory';
  replicas: number;
}

/** Creates the bucket or brings its TTL and storage in line; idempotent. */
export async function ensureBucket(bus: Pick<Bus, 'js' | 'jsm'>, o: BucketOptions): Promise<void> {
  const kvm = new Kvm(bus.js);
  const stream = `KV_${o.name}`;
  const ttlNs = o.ttlMs * 1_000_000;
  /** Applies the TTL to the bucket if it exists; false when it does not. */
  const update = async (): Promise<boolean> => {
    const info = await unlessNotFound(bus.jsm.streams.info(stream));
    if (!info) return false;
    // A changed TTL applies to the existing bucket (storage cannot change in place; a new storage needs a new bucket).
    if (info.config.max_age !== ttlNs) await bus.jsm.streams.update(stream, { ...info.config, max_age: ttlNs });
    return true;
  };
  if (await update()) return;
  const create = () => kvm.create(o.name, { history: 1, ttl: o.ttlMs, storage: o.storage === 'memory' ? StorageType.Memory : StorageType.File, replicas: o.replicas });
  await addOrAdopt({ kind: 'bucket', bucket: o.name }, create, update);
}

export async function openKvStore(bus: Pick<Bus, 'js' | 'pubAcks'>, bucket: string, timeoutMs = 2000): Promise<KvStore> {
  const kv: KV = await new Kvm(bus.js).open(bucket);
  const prefix = `$KV.${bucket}.`;

  async function write(key: string, value: Uint8Array, headers?: Record<string, string>): Promise<number> {
    try {
      return (await bus.pubAcks.publish(prefix + key, value, '', timeoutMs, headers)).seq;
    } catch (err) {
      if (err instanceof PubAckError && err.code === WRONG_LAST_SEQUENCE) throw new KvConflictError(`key ${key} changed`);
      throw err;
    }
  }

  const live = (e: KvEntry | null): e is KvEntry => e !== null && e.operation === 'PUT';

  return {
    async create(key, value) {
      try {
        return await write(key, value, { 'Nats-Expected-Last-Subject-Sequence': '0' });
      } catch (err) {
        if (!(err instanceof KvConflictError)) throw err;
        // A delete marker (or an expired value's marker) counts as absent: replace it, still compare-and-set.
        const e = await kv.get(key);
        if (e === null || e.operation === 'PUT') throw err;
        return write(key, value, { 'Nats-Expected-Last-Subject-Sequence': String(e.revision) });
      }
    },
    update: (key, value, revision) => write(key, value, { 'Nats-Expected-Last-Subject-Sequence': String(revision) }),
    put: (key, value) => write(key, value),
    async get(key) {
      const e = await kv.get(key);
      return live(e) ? { value: e.value, revision: e.revision } : null;
    },
    async delete(key, revision) {
      await write(key, new Uint8Array(0), { 'KV-Operation': 'DEL', 'Nats-Expected-Last-Subject-Sequence': String(revision) });
    },
    async erase(key) {
      await write(key, new Uint8Array(0), { 'KV-Operation': 'DEL' });
    },
    async watch(onEntry) {
      const iter = await kv.watch({ key: '>' });
      void (async () => {
        for await (const e of iter) onEntry(e.key, e.operation === 'PUT' ? e.value : null, e.revision);
      })();
      return { stop: () => iter.stop() };
    },
    async lastRevision() {
      return (await kv.status()).streamInfo.state.last_seq;
    },
  };
}
