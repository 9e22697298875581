/**
 * IdempotencyStore on a JetStream key-value bucket (SMSMESH_IDEMPOTENCY): one key per (client, Idempotency-Key) —
 * the message id derived from them — whose value is `pending` while the message is being stored and `done` with
 * the answer afterwards. Claims are compare-and-set creates, so two edges can never both own a key; the bucket's
 * max_age is the configured TTL. No database on the accept path.
 */
import { KvConflictError, type KvStore } from '../bus/kv-store.js';
import type { IdempotencyClaim, IdempotencyStore, StoredResult } from './idempotency.js';

type Record_ = { s: 'p'; fp: string; at: number } | { s: 'd'; fp: string; r: StoredResult };

const enc = new TextEncoder();
const dec = new TextDecoder();

export function createKvIdempotencyStore(kv: KvStore, o: { leaseMs: number; now?: () => number }): IdempotencyStore {
  const now = o.now ?? Date.now;
  const pending = (fp: string) => enc.encode(JSON.stringify({ s: 'p', fp, at: now() } satisfies Record_));

  async function claim(key: string, fp: string, tries: number): Promise<IdempotencyClaim> {
    try {
      return { kind: 'owner', revision: await kv.create(key, pending(fp)) };
    } catch (err) {
      if (!(err instanceof KvConflictError)) throw err;
    }
    const cur = await kv.get(key);
    // Deleted or expired between the create and the read: claim again (bounded, it cannot flap for long).
    if (cur === null) {
      if (tries > 0) return claim(key, fp, tries - 1);
      return { kind: 'in_flight' };
    }
    let rec: Record_;
    try {
      rec = JSON.parse(dec.decode(cur.value)) as Record_;
    } catch {
      // Not ours to interpret: never guess that it was the same request.
      return { kind: 'mismatch' };
    }
    if (rec.fp !== fp) return { kind: 'mismatch' };
    if (rec.s === 'd') return { kind: 'replay', result: rec.r };
    if (now() - rec.at < o.leaseMs) return { kind: 'in_flight' };
    // The owner died between its claim and its answer: take over, still compare-and-set against its record.
    try {
      return { kind: 'owner', revision: await kv.update(key, pending(fp), cur.revision) };
    } catch (err) {
      if (err instanceof KvConflictError) return { kind: 'in_flight' };
      throw err;
    }
  }

  return {
    claim: (key, fp) => claim(key, fp, 1),
    async complete(key, revision, fp, result) {
      await kv.update(key, enc.encode(JSON.stringify({ s: 'd', fp, r: result } satisfies Record_)), revision);
    },
    async release(key, revision) {
      await kv.delete(key, revision);
    },
  };
}
