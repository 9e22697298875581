/**
 * Run-time API keys in the SMSMESH_API_KEYS bucket, one record per key id, holding the key's hash and never the key:
 * created (the key is shown once), listed and revoked by `smsmesh keys`, and watched by every edge so that a new or
 * revoked key counts without a restart.
 */
import { Kvm } from '@nats-io/kv';
import type { Bus } from '../bus/connection.js';
import { openKvStore, type KvStore } from '../bus/kv-store.js';
import { Buckets } from '../bus/subjects.js';
import type { Scope } from '../config/schema.js';
import { generateRuntimeKey, hashApiKey } from '../frontdoor/api-key-hash.js';
import type { RuntimeKeyRecord, RuntimeKeySource } from '../frontdoor/client-auth.js';
import type { Logger } from '../log/logger.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function parseRecord(value: Uint8Array): RuntimeKeyRecord | undefined {
  try {
    const r = JSON.parse(dec.decode(value)) as RuntimeKeyRecord;
    return typeof r.id === 'string' && typeof r.client === 'string' && Array.isArray(r.scopes) && typeof r.hash === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

export interface ApiKeyStore {
  /** Stores a new key's hash; the key itself is returned once and kept nowhere. */
  create(o: { client: string; scopes: Scope[]; createdBy: string; now?: Date }): Promise<{ key: string; record: RuntimeKeyRecord }>;
  list(): Promise<RuntimeKeyRecord[]>;
  /** False when no such key. */
  revoke(id: string): Promise<boolean>;
}

export async function openApiKeyStore(bus: Pick<Bus, 'js' | 'pubAcks'>): Promise<ApiKeyStore> {
  const kv: KvStore = await openKvStore(bus, Buckets.apiKeys);
  return {
    async create(o) {
      const { id, key } = generateRuntimeKey();
      const record: RuntimeKeyRecord = {
        id,
        client: o.client,
        scopes: [...new Set(o.scopes)],
        hash: hashApiKey(key, 'sha256'),
        createdAt: (o.now ?? new Date()).toISOString(),
        createdBy: o.createdBy,
      };
      await kv.create(id, enc.encode(JSON.stringify(record)));
      return { key, record };
    },
    async list() {
      const raw = await new Kvm(bus.js).open(Buckets.apiKeys);
      const out: RuntimeKeyRecord[] = [];
      for await (const k of await raw.keys()) {
        const e = await kv.get(k);
        const r = e && parseRecord(e.value);
        if (r) out.push(r);
      }
      return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    async revoke(id) {
      const e = await kv.get(id);
      if (!e) return false;
      await kv.delete(id, e.revision);
      return true;
    },
  };
}

/** The live set of run-time keys, from a watch of the bucket (every key at start, then each change). */
export async function watchApiKeys(bus: Pick<Bus, 'js' | 'pubAcks'>, log: Logger): Promise<RuntimeKeySource & { size(): number; stop(): void }> {
  const kv = await openKvStore(bus, Buckets.apiKeys);
  const keys = new Map<string, RuntimeKeyRecord>();
  const listeners: ((id: string) => void)[] = [];
  const w = await kv.watch((id, value) => {
    const r = value && parseRecord(value);
    if (r) keys.set(id, r);
    else {
      if (value) log.warn({ keyId: id }, 'ignoring an unreadable API key record');
      keys.delete(id);
    }
    for (const l of listeners) l(id);
  });
  return {
    get: (id) => keys.get(id),
    onChange: (cb) => void listeners.push(cb),
    size: () => keys.size,
    stop: () => w.stop(),
  };
}
