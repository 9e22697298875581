/**
 * Asking the edge that holds an Idempotency-Key claim whether that claim is still open, over core NATS. Each edge
 * answers for its own claims on a subject named by its owner id; an edge that is gone has no subscription there, and
 * NATS says so at once (no responders), which is what lets a retry after a crash take the key over without waiting
 * out a lease.
 */
import { RequestError, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { Subjects } from '../bus/subjects.js';

/** `open`: still being stored; `closed`: stored or withdrawn; `gone`: no such edge; `unknown`: no answer in time. */
export type OwnerAnswer = 'open' | 'closed' | 'gone' | 'unknown';

export interface ClaimOwners {
  ask(owner: string, key: string): Promise<OwnerAnswer>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const OPEN = enc.encode('1');
const CLOSED = enc.encode('0');

export function serveClaimOwner(nc: NatsConnection, owner: string, isOpen: (key: string) => boolean): Subscription {
  return nc.subscribe(Subjects.claimOwner(owner), {
    callback: (err, m) => {
      if (!err) m.respond(isOpen(dec.decode(m.data)) ? OPEN : CLOSED);
    },
  });
}

export function natsClaimOwners(nc: NatsConnection, timeoutMs: number): ClaimOwners {
  return {
    async ask(owner, key) {
      try {
        const m = await nc.request(Subjects.claimOwner(owner), enc.encode(key), { timeout: timeoutMs });
        return m.data[0] === OPEN[0] ? 'open' : 'closed';
      } catch (err) {
        if (err instanceof RequestError && err.isNoResponders()) return 'gone';
        return 'unknown';
      }
    },
  };
}
