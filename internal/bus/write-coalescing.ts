/**
 * One socket write per event-loop turn instead of one per microtask, or per `delayMs` where no one waits on it.
 *
 * nats.js flushes its outbound buffer in a microtask after the first command. On an edge every HTTP
 * request is its own macrotask, so each publish became its own write(2) — the top self-time entry of
 * every gateway process under load, and a wake-up of nats-server per message. Deferring the flush to
 * setImmediate lets every publish and ack made while handling one poll phase leave in a single write;
 * the wait is bounded by one loop turn, and the client still flushes inline past its size threshold.
 *
 * A process whose work comes in batches (status writer, callbacks) may wait a little longer: its acks, publishes and
 * pull requests wait on nothing that a millisecond matters to, while under load its loop turns come faster than its
 * messages, each with a write of a few commands (see BACKGROUND_FLUSH_MS). A connector may not: on a small SMPP
 * window its next submit waits on the last message's event PubAck, ack and next pull, one round trip after another,
 * and each would wait out the hold.
 *
 * This replaces one method on the connection's protocol handler, which is internal to nats.js: the shape
 * is checked and, when it is not what this was written against (nats-core 3.4), the client is left as it
 * is and the caller is told so.
 */
import type { NatsConnection } from '@nats-io/nats-core';

interface ProtocolInternals {
  outbound: { length(): number; size(): number; fill(buf: Uint8Array, ...payloads: Uint8Array[]): void };
  pendingLimit: number;
  flushPending(): void;
  sendCommand(cmd: string | Uint8Array, ...payloads: Uint8Array[]): void;
}

function protocolOf(nc: NatsConnection): ProtocolInternals | undefined {
  const p = (nc as unknown as { protocol?: Partial<ProtocolInternals> }).protocol;
  if (!p || typeof p.flushPending !== 'function' || typeof p.sendCommand !== 'function') return undefined;
  const o = p.outbound;
  if (!o || typeof o.length !== 'function' || typeof o.size !== 'function' || typeof o.fill !== 'function') return undefined;
  if (typeof p.pendingLimit !== 'number') return undefined;
  return p as ProtocolInternals;
}

/**
 * How long a process whose roles take their work in batches holds its commands before writing them: at most one
 * write a millisecond instead of one per loop turn. Processes with an edge or a connector keep 0 (role-needs.ts,
 * `paceSetByRoundTrips`): with this hold one connector bind at window 1 made 345–346 submit_sm/s instead of
 * 1,767–1,829 (`make bench-bind`, docs/performance.md, a connector's round trips).
 */
export const BACKGROUND_FLUSH_MS = 1;

/**
 * Flushes once per loop turn (`delayMs` 0) or `delayMs` after the first command since the last write. Returns false
 * when the client's internals are not the expected ones (nothing was changed).
 */
export function coalesceWrites(nc: NatsConnection, delayMs = 0): boolean {
  const p = protocolOf(nc);
  if (!p) return false;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    p.flushPending();
  };
  p.sendCommand = function sendCommand(cmd: string | Uint8Array, ...payloads: Uint8Array[]): void {
    // Buffer.from takes small strings from Node's shared pool: cheaper than TextEncoder per command, and no
    // ArrayBuffer of its own for the collector to free (the outbound buffer copies it at the flush).
    p.outbound.fill(typeof cmd === 'string' ? Buffer.from(cmd) : cmd, ...payloads);
    if (p.outbound.size() >= p.pendingLimit) p.flushPending();
    else if (!scheduled) {
      scheduled = true;
      if (delayMs > 0) setTimeout(flush, delayMs);
      else setImmediate(flush);
    }
  };
  return true;
}
