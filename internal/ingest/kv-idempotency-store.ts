/**
 * IdempotencyStore on a JetStream key-value bucket (SMSMESH_IDEMPOTENCY): one key per (client, Idempotency-Key) —
 * the message id derived from them — written once, by the claim, with the request's fingerprint, the answer it will
 * get, the claiming edge and the time. A keyed send is two JetStream writes (the claim, the message) and no more: the
 * record is never rewritten to say "done". Instead, a retry that finds the record asks its owner (claim-owners.ts):
 * an open claim is in flight (409), a closed one whose record still stands was stored (its answer is replayed), and a
 * gone owner's claim is either covered by the owner's last settled mark (replayed) or taken over and re-published
 * under the same id, which JetStream deduplicates. Claims are compare-and-set creates, so two edges can never both
 * own a key; the bucket's max_age is the configured TTL. No database on the accept path.
 */
import { KvConflictError, type KvStore } from '../bus/kv-store.js';
import { noopLogger, type Logger } from '../log/logger.js';
import type { ClaimOwners } from './claim-owners.js';
import type { IdempotencyClaim, IdempotencyStore, StoredResult } from './idempotency.js';
import { createOpenClaims, type OpenClaims } from './open-claims.js';

/**
 * `c`: claimed by owner `o` at `at` (its clock), answer `r` once stored. `p` and `d` are an earlier release's pending
 * and done records, still read so that a rolling upgrade keeps every key.
 */
type Record_ = { s: 'c'; fp: string; at: number; o: string; r: StoredResult } | { s: 'p'; fp: string; at: number } | { s: 'd'; fp: string; r: StoredResult };

export interface KvIdempotencyOptions {
  /** This edge process's id, unique among live edges (its claims are recorded under it). */
  owner: string;
  owners: ClaimOwners;
  /** An earlier release's pending record (no owner recorded) is taken over when older than this. */
  leaseMs: number;
  /** How long JetStream deduplicates a message id: a takeover later than this may store a second copy. */
  duplicateWindowMs: number;
  /** How often the settled mark is written while claims come and go (default 1 s). */
  markEveryMs?: number;
  /** Told of every takeover, and whether it came within the duplicate window (so a re-publish cannot duplicate). */
  onTakeover?: (withinDuplicateWindow: boolean) => void;
  log?: Logger;
  now?: () => number;
}

export interface KvIdempotencyStore extends IdempotencyStore {
  /** Whether this edge's claim on `key` is open (what it answers other edges). */
  isOpen(key: string): boolean;
  /** Stops the mark timer, waits up to `waitMs` for open claims to close, and writes the settled mark a last time. */
  close(waitMs: number): Promise<void>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const RETRY_MS = 1000;

/** Where an edge's settled mark is kept: every claim it made at or before the mark's time is stored or withdrawn. */
export const settledMarkKey = (owner: string) => `settled.${owner}`;

function parse(value: Uint8Array): Record_ | null {
  try {
    const r = JSON.parse(dec.decode(value)) as Record_;
    return typeof r === 'object' && r !== null && typeof r.fp === 'string' ? r : null;
  } catch {
    return null;
  }
}

export function createKvIdempotencyStore(kv: KvStore, o: KvIdempotencyOptions): KvIdempotencyStore {
  const now = o.now ?? Date.now;
  const log = (o.log ?? noopLogger).child({ component: 'idempotency' });
  const claims: OpenClaims = createOpenClaims(now);
  const markKey = settledMarkKey(o.owner);
  // Written once per keyed send: the fixed part of the JSON is assembled, only the answer goes through stringify.
  const head = `,"o":${JSON.stringify(o.owner)},"r":`;
  const record = (fp: string, at: number, r: StoredResult) => Buffer.from(`{"s":"c","fp":${JSON.stringify(fp)},"at":${at}${head}${JSON.stringify(r)}}`);
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  /**
   * Writes a claim at a fresh stamp; the mark cannot pass it while the write is under way, nor after it, until it
   * closes. One write per key at a time on this edge (a second request for a key this edge holds is answered from
   * the record, without writing), so the key's open claim is always this write's.
   */
  async function write(key: string, attempt: (at: number) => Promise<number>): Promise<number> {
    if (claims.has(key)) throw new KvConflictError(`key ${key} is held by this edge`);
    const at = claims.stamp();
    claims.begin(key, at);
    try {
      const rev = await attempt(at);
      claims.open(key, at);
      return rev;
    } catch (err) {
      // A timeout may hide a write that landed: the claim stays open until it is withdrawn, or a retry would replay
      // an answer for a message never stored.
      if (!(err instanceof KvConflictError)) withdraw(key, at);
      throw err;
    } finally {
      claims.end(key);
    }
  }

  /** Deletes this edge's record of `key` made at `at`, if it is still there, retrying until NATS answers; then closes the claim. */
  function withdraw(key: string, at: number): void {
    claims.open(key, at);
    const attempt = async () => {
      try {
        const cur = await kv.get(key);
        const rec = cur && parse(cur.value);
        if (cur && rec?.s === 'c' && rec.o === o.owner && rec.at === at) await kv.delete(key, cur.revision);
        claims.close(key);
      } catch (err) {
        if (err instanceof KvConflictError) {
          claims.close(key); // rewritten since: no longer ours
          return;
        }
        if (closing) return; // the claim stays open: the settled mark will not cover it, so a retry takes it over
        const t = setTimeout(() => {
          timers.delete(t);
          void attempt();
        }, RETRY_MS);
        timers.add(t);
      }
    };
    void attempt();
  }

  /** What the record's owner says of the claim; for a gone owner, whether its last settled mark covers it. */
  async function ownerState(owner: string, at: number, key: string): Promise<'open' | 'closed' | 'gone' | 'unknown'> {
    if (owner === o.owner) return claims.has(key) ? 'open' : 'closed';
    const said = await o.owners.ask(owner, key);
    if (said !== 'gone') return said;
    const mark = await kv.get(settledMarkKey(owner));
    return mark !== null && Number(dec.decode(mark.value)) >= at ? 'closed' : 'gone';
  }

  async function takeOver(key: string, revision: number, fp: string, answer: StoredResult, claimedAt: number): Promise<IdempotencyClaim> {
    try {
      const rev = await write(key, (at) => kv.update(key, record(fp, at, answer), revision));
      const within = now() - claimedAt < o.duplicateWindowMs;
      if (!within) log.warn({ messageId: key, claimedAt }, 'idempotency claim taken over after the duplicate window: its message may be stored twice');
      o.onTakeover?.(within);
      return { kind: 'owner', revision: rev };
    } catch (err) {
      if (err instanceof KvConflictError) return { kind: 'in_flight' };
      throw err;
    }
  }

  async function claim(key: string, fp: string, answer: StoredResult): Promise<IdempotencyClaim> {
    // Bounded: each round follows a record that changed under it (withdrawn, expired or taken over).
    for (let round = 0; round < 3; round++) {
      if (claims.has(key)) {
        // Held here: in flight, unless the record already says it is another body.
        const cur = await kv.get(key);
        const rec = cur && parse(cur.value);
        return cur && rec?.fp !== fp ? { kind: 'mismatch' } : { kind: 'in_flight' };
      }
      try {
        return { kind: 'owner', revision: await write(key, (at) => kv.create(key, record(fp, at, answer))) };
      } catch (err) {
        if (!(err instanceof KvConflictError)) throw err;
      }
      const cur = await kv.get(key);
      if (cur === null) continue;
      const rec = parse(cur.value);
      // Not ours to interpret: never guess that it was the same request.
      if (rec === null || rec.fp !== fp) return { kind: 'mismatch' };
      if (rec.s === 'd') return { kind: 'replay', result: rec.r };
      if (rec.s === 'p') {
        if (now() - rec.at < o.leaseMs) return { kind: 'in_flight' };
        return takeOver(key, cur.revision, fp, answer, rec.at);
      }
      const state = await ownerState(rec.o, rec.at, key);
      if (state === 'open' || state === 'unknown') return { kind: 'in_flight' };
      if (state === 'gone') {
        const c = await takeOver(key, cur.revision, fp, rec.r, rec.at);
        return c.kind === 'owner' ? { ...c, prior: rec.r } : c;
      }
      // Closed: stored, unless withdrawn after we read it (a withdrawal deletes the record before closing the claim).
      const again = await kv.get(key);
      if (again?.revision === cur.revision) return { kind: 'replay', result: rec.r };
    }
    return { kind: 'in_flight' };
  }

  let marking = false;
  let markOwed = false;
  async function writeMark(): Promise<void> {
    if (marking || !(claims.changed || markOwed)) return;
    marking = true;
    const mark = claims.settledMark();
    claims.markTaken();
    try {
      await kv.put(markKey, enc.encode(String(mark)));
      markOwed = false;
    } catch {
      markOwed = true;
    } finally {
      marking = false;
    }
  }
  const markTimer = setInterval(() => void writeMark(), o.markEveryMs ?? 1000);
  markTimer.unref();

  return {
    claim,
    settle: (key) => claims.close(key),
    async release(key, revision) {
      try {
        await kv.delete(key, revision);
        claims.close(key);
      } catch (err) {
        if (err instanceof KvConflictError) claims.close(key);
        else {
          // The record may still stand: the claim stays open until it is gone, so no retry replays its answer.
          const at = claims.openedAt(key);
          if (at !== undefined) withdraw(key, at);
        }
        throw err;
      }
    },
    isOpen: (key) => claims.has(key),
    async close(waitMs) {
      clearInterval(markTimer);
      const until = now() + waitMs;
      while (claims.size > 0 && now() < until) await new Promise((r) => setTimeout(r, 20));
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      while (marking) await new Promise((r) => setTimeout(r, 5));
      await writeMark();
    },
  };
}
