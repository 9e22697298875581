/**
 * An in-memory KvStore with the bucket's compare-and-set rules (one revision sequence for the bucket, as in JetStream),
 * for unit tests. `view()` gives one process's handle; a view switched off answers every call with an error, as a
 * bucket out of reach would.
 */
import { KvConflictError, type KvRecord, type KvStore } from './kv-store.js';

export interface MemoryKvView extends KvStore {
  /** false: every call fails as if NATS were out of reach. */
  reachable: boolean;
}

export interface MemoryKvBucket {
  view(): MemoryKvView;
  /** The live keys and their records. */
  entries(): Map<string, KvRecord>;
}

export function createMemoryKvBucket(): MemoryKvBucket {
  // Deleted keys keep their last revision (a delete marker), as a create on them must compare against it.
  const keys = new Map<string, { record: KvRecord; deleted: boolean }>();
  let seq = 0;

  function write(key: string, value: Uint8Array, expect: number | undefined): number {
    const cur = keys.get(key);
    const last = cur?.record.revision ?? 0;
    if (expect !== undefined && expect !== last) throw new KvConflictError(`key ${key} changed`);
    seq++;
    keys.set(key, { record: { value, revision: seq }, deleted: false });
    return seq;
  }

  return {
    view() {
      const v: MemoryKvView = {
        reachable: true,
        async create(key, value) {
          check();
          const cur = keys.get(key);
          if (cur && !cur.deleted) throw new KvConflictError(`key ${key} exists`);
          return write(key, value, cur?.record.revision ?? 0);
        },
        async update(key, value, revision) {
          check();
          return write(key, value, revision);
        },
        async put(key, value) {
          check();
          return write(key, value, undefined);
        },
        async get(key) {
          check();
          const cur = keys.get(key);
          return cur && !cur.deleted ? { ...cur.record } : null;
        },
        async delete(key, revision) {
          check();
          write(key, new Uint8Array(0), revision);
          keys.get(key)!.deleted = true;
        },
        async erase(key) {
          check();
          write(key, new Uint8Array(0), undefined);
          keys.get(key)!.deleted = true;
        },
        async watch() {
          check();
          throw new Error('watch is not simulated');
        },
        async lastRevision() {
          check();
          return seq;
        },
      };
      function check(): void {
        if (!v.reachable) throw new Error('NATS out of reach');
      }
      return v;
    },
    entries() {
      const out = new Map<string, KvRecord>();
      for (const [k, e] of keys) if (!e.deleted) out.set(k, e.record);
      return out;
    },
  };
}
