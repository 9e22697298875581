/**
 * Opt-out lists: which numbers asked a client to stop (an MO keyword, or the client through the API), for one of the
 * client's sender numbers or for all of them. Stored in the JetStream key-value bucket SMSMESH_OPTOUTS (one key per
 * client, number and sender; no expiry) and followed by every edge through a KV watch, so the check on a send is a
 * lookup in memory, never a round trip. An edge starts serving only once its watch has caught up with the bucket.
 */
import type { KvStore } from '../bus/kv-store.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';

export interface OptOutEntry {
  number: string;
  /** The client's sender number the opt-out is for; null for every sender of the client. */
  sender: string | null;
  /** ISO-8601. */
  at: string;
  source: 'keyword' | 'api';
}

interface Stored extends OptOutEntry {
  client: string;
}

/** Senders compare without a leading "+": an MO sent to "+4477…" opts out of sends from "4477…" too. */
export const normalizeSender = (s: string): string => (s.startsWith('+') ? s.slice(1) : s);

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url').toString('utf8');
/** The token of "every sender": base64url never yields "=" when unpadded. */
const ALL = '=';

export function optOutKey(client: string, number: string, sender: string | null): string {
  return `${b64(client)}.${b64(number)}.${sender === null ? ALL : b64(normalizeSender(sender))}`;
}

/** Where a key's entry sits in memory (sender "=" for every sender); undefined for a key that is not one of ours. */
function keyParts(key: string): { client: string; number: string; sender: string } | undefined {
  const [c, n, x, extra] = key.split('.');
  if (c === undefined || n === undefined || x === undefined || extra !== undefined) return undefined;
  return { client: unb64(c), number: unb64(n), sender: x === ALL ? ALL : unb64(x) };
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface OptOutWriter {
  optOut(client: string, e: OptOutEntry): Promise<void>;
  /** Lifts the opt-out for this sender and the client-wide one (an opt-in keyword sent to `sender`). */
  optIn(client: string, number: string, sender: string): Promise<void>;
  /** Removes the given entries' keys. */
  remove(client: string, entries: readonly Pick<OptOutEntry, 'number' | 'sender'>[]): Promise<void>;
}

export function createOptOutWriter(kv: KvStore): OptOutWriter {
  return {
    async optOut(client, e) {
      const stored: Stored = { client, ...e, sender: e.sender === null ? null : normalizeSender(e.sender) };
      await kv.put(optOutKey(client, e.number, e.sender), enc.encode(JSON.stringify(stored)));
    },
    async optIn(client, number, sender) {
      await kv.erase(optOutKey(client, number, sender));
      await kv.erase(optOutKey(client, number, null));
    },
    async remove(client, entries) {
      for (const e of entries) await kv.erase(optOutKey(client, e.number, e.sender));
    },
  };
}

export interface OptOutSet {
  /** Is `to` opted out of messages from this client's sender `from`? */
  isOptedOut(client: string, to: string, from: string): boolean;
  /** The client's entries, by number then sender. */
  entries(client: string): OptOutEntry[];
  /** The client's entries for one number. */
  entriesOf(client: string, number: string): OptOutEntry[];
}

export interface WatchedOptOuts extends OptOutSet {
  readonly size: number;
  stop(): void;
}

/**
 * Follows the bucket from its start. Resolves once every entry written before the call is in memory (or rejects
 * after `readyTimeoutMs`), so an edge never accepts a send its opt-out list would have refused.
 */
export async function watchOptOuts(kv: KvStore, o: { log: Logger; readyTimeoutMs?: number }): Promise<WatchedOptOuts> {
  // client → number → sender ("=" for every sender) → entry
  const byClient = new Map<string, Map<string, Map<string, OptOutEntry>>>();
  let size = 0;

  // The key says where its entry sits: no second index (measured on 200,000 entries: 620 bytes each with one, 371 without).
  function drop(key: string): void {
    const at = keyParts(key);
    if (!at) return;
    const numbers = byClient.get(at.client);
    const senders = numbers?.get(at.number);
    if (senders?.delete(at.sender)) size--;
    if (senders && senders.size === 0) numbers!.delete(at.number);
    if (numbers && numbers.size === 0) byClient.delete(at.client);
  }

  function onEntry(key: string, value: Uint8Array | null): void {
    drop(key);
    const at = keyParts(key);
    if (value === null || !at) return;
    let s: Stored;
    try {
      s = JSON.parse(dec.decode(value)) as Stored;
    } catch (err) {
      o.log.warn({ key, err: errorMessage(err) }, 'unreadable opt-out entry ignored');
      return;
    }
    let numbers = byClient.get(at.client);
    if (!numbers) byClient.set(at.client, (numbers = new Map()));
    let senders = numbers.get(at.number);
    if (!senders) numbers.set(at.number, (senders = new Map()));
    senders.set(at.sender, { number: at.number, sender: at.sender === ALL ? null : at.sender, at: s.at, source: s.source });
    size++;
  }

  const target = await kv.lastRevision();
  let seen = 0;
  let ready: () => void = () => {};
  const caughtUp = new Promise<void>((r) => (ready = r));
  if (target === 0) ready();
  const w = await kv.watch((key, value, revision) => {
    onEntry(key, value);
    seen = Math.max(seen, revision);
    if (seen >= target) ready();
  });
  const timeoutMs = o.readyTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      caughtUp,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`opt-out list not loaded within ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } catch (err) {
    w.stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  o.log.info({ entries: size }, 'opt-out list loaded');

  const list = (senders: Map<string, OptOutEntry> | undefined) => [...(senders?.values() ?? [])];
  return {
    isOptedOut(client, to, from) {
      const senders = byClient.get(client)?.get(to);
      return senders !== undefined && (senders.has(ALL) || senders.has(normalizeSender(from)));
    },
    entries(client) {
      const numbers = byClient.get(client);
      if (!numbers) return [];
      return [...numbers.keys()].sort().flatMap((n) => list(numbers.get(n)).sort((a, b) => (a.sender ?? '').localeCompare(b.sender ?? '')));
    },
    entriesOf: (client, number) => list(byClient.get(client)?.get(number)),
    get size() {
      return size;
    },
    stop: () => w.stop(),
  };
}
