/** The requests a session sent and awaits answers to, kept in deadline order so one sweep expires them. */
import type { Pdu } from './pdu-types.js';

export interface PendingRequest {
  commandId: number;
  sequence: number;
  /** On the session's clock, in milliseconds. */
  deadline: number;
  resolve(pdu: Pdu): void;
  reject(err: Error): void;
}

export interface PendingRequests {
  readonly size: number;
  has(sequence: number): boolean;
  add(p: PendingRequest): void;
  /** Removes and returns the request with this sequence. */
  take(sequence: number): PendingRequest | undefined;
  /** Removes every request whose deadline has passed and hands it to onExpired; returns how many. */
  expire(now: number, onExpired: (p: PendingRequest) => void): number;
  /** Removes every request and hands each to onEach. */
  clear(onEach: (p: PendingRequest) => void): void;
}

/**
 * Every request gets the same timeout, so insertion order is deadline order (Map keeps insertion
 * order) and expiry stops at the first live entry: no per-request timer, no heap.
 */
export function createPendingRequests(): PendingRequests {
  const map = new Map<number, PendingRequest>();
  return {
    get size() {
      return map.size;
    },
    has: (sequence) => map.has(sequence),
    add(p) {
      map.set(p.sequence, p);
    },
    take(sequence) {
      const p = map.get(sequence);
      if (p) map.delete(sequence);
      return p;
    },
    expire(now, onExpired) {
      let n = 0;
      for (const [sequence, p] of map) {
        if (p.deadline > now) break;
        map.delete(sequence);
        n++;
        onExpired(p);
      }
      return n;
    },
    clear(onEach) {
      const all = [...map.values()];
      map.clear();
      for (const p of all) onEach(p);
    },
  };
}
