/**
 * Cancellations: message ids their clients canceled, recorded durably in the SMSMESH_CANCELED key-value bucket by the
 * edge and checked from memory by schedulers (before a release) and bind actors (before a submit) — a KV watch keeps
 * a bounded set current, so checking costs no round trip on the send path.
 */
import { errorMessage } from '../core/errors.js';
import type { KvStore } from '../bus/kv-store.js';
import type { Logger } from '../log/logger.js';

/** What the edge needs: record a cancellation durably. */
export interface CancelWriter {
  cancel(id: string, clientId: string): Promise<void>;
}

/** What schedulers and bind actors need: was this id canceled? */
export interface CanceledSet {
  has(id: string): boolean;
}

const enc = new TextEncoder();

export function createCancelWriter(kv: KvStore, now: () => number = Date.now): CancelWriter {
  return {
    async cancel(id, clientId) {
      await kv.put(id, enc.encode(JSON.stringify({ clientId, at: now() })));
    },
  };
}

export interface WatchedCancellations extends CanceledSet {
  readonly size: number;
  stop(): void;
}

/**
 * Follows the bucket from its start (every live cancellation, then each new one). The set is bounded: past
 * `maxEntries` the oldest ids are forgotten first (they belong to messages long released or expired; the bucket's TTL
 * forgets them too), and a warning says so once.
 */
export async function watchCancellations(kv: KvStore, o: { maxEntries: number; log: Logger }): Promise<WatchedCancellations> {
  const ids = new Set<string>();
  let warned = false;
  const w = await kv.watch((key, value) => {
    if (value === null) {
      ids.delete(key);
      return;
    }
    ids.add(key);
    if (ids.size > o.maxEntries) {
      const oldest = ids.values().next().value as string;
      ids.delete(oldest);
      if (!warned) {
        warned = true;
        o.log.warn({ maxEntries: o.maxEntries }, 'more cancellations than the in-memory set holds; the oldest are forgotten first');
      }
    }
  }).catch((err: unknown) => {
    o.log.error({ err: errorMessage(err) }, 'cannot watch cancellations');
    throw err;
  });
  return {
    has: (id) => ids.has(id),
    get size() {
      return ids.size;
    },
    stop: () => w.stop(),
  };
}
