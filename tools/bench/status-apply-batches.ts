/**
 * The status events `make bench-status` applies, batch after batch, in the shapes the status writer meets:
 * - `folded`: each batch holds the accepted record, the submit and the final receipt of the same one-part messages,
 *   which is what a status writer that keeps up sees (its batches fold into one row insert per message);
 * - `staggered`: each batch holds the accepted records of new messages, the submits of the previous batch's and the
 *   receipts of the batch before that, which is what it sees while it or the SMSC lags (upsert, update, receipts);
 * - `drained`: every message's accepted record is stored before the measured batches (`statusPreload`), and each
 *   batch holds the submits (the first carrying the message's facts, as a connector's does) and receipts of its
 *   messages, which is what it sees in a backlog drain after an SMSC outage. One message in ten has three parts, as
 *   in `make bench`'s mix: a drain is where multi-part messages take the most row writes.
 */
import type { AcceptedEvent, StatusEvent } from '../../internal/sms/events.js';

export const STATUS_SHAPES = ['folded', 'staggered', 'drained'] as const;
export type StatusShape = (typeof STATUS_SHAPES)[number];

const CARRIER = 'bench';
const id = (n: number) => `bench${String(n).padStart(12, '0')}`;
const smsc = (n: number) => `s${n}`;

/** In the drained shape, message n has this many parts. */
const drainedParts = (n: number) => (n % 10 === 9 ? 3 : 1);

const facts = (n: number, t0: number, segments = 1): AcceptedEvent['message'] => ({
  id: id(n), clientId: 'bench', clientRef: `r${n}`, carrier: CARRIER, to: '+4915112345678', from: 'SMSMESH', encoding: 'gsm7', segments, acceptedAt: t0,
});
const accepted = (n: number, t0: number, segments = 1): StatusEvent => ({ kind: 'accepted', message: facts(n, t0, segments) });
const delivered = (smscId: string, t0: number): StatusEvent => ({ kind: 'receipt', carrier: CARRIER, smscMessageId: smscId, status: 'delivered', stat: 'DELIVRD', err: null, doneAt: t0 + 2, at: t0 + 3 });

/** A drained message's submits (part 1 with its facts) and receipts. */
function drainedLife(n: number, t0: number): StatusEvent[] {
  const parts = drainedParts(n);
  const events: StatusEvent[] = [];
  const smscOf = (part: number) => (parts === 1 ? smsc(n) : `${smsc(n)}.${part}`);
  for (let part = 1; part <= parts; part++) {
    events.push({ kind: 'submitted', id: id(n), carrier: CARRIER, part, parts, smscMessageId: smscOf(part), at: t0 + 1, ...(part === 1 ? { message: facts(n, t0, parts) } : {}) });
  }
  for (let part = 1; part <= parts; part++) events.push(delivered(smscOf(part), t0));
  return events;
}

/** What is stored before the first batch, in batches of `size`: for `drained`, the accepted records of all `batches`. */
export function statusPreload(shape: StatusShape, batches: number, size: number, t0: number): StatusEvent[][] {
  if (shape !== 'drained') return [];
  return Array.from({ length: batches }, (_, b) => Array.from({ length: size }, (_, i) => accepted(b * size + i, t0, drainedParts(b * size + i))));
}

/** The events of batch `index` (from 0) of `size` messages each, at time `t0`. */
export function statusBatch(shape: StatusShape, index: number, size: number, t0: number): StatusEvent[] {
  const events: StatusEvent[] = [];
  const first = index * size;
  for (let i = 0; i < size; i++) {
    const n = first + i;
    if (shape === 'drained') {
      events.push(...drainedLife(n, t0));
      continue;
    }
    events.push(accepted(n, t0));
    const submitted = shape === 'staggered' ? n - size : n;
    if (submitted >= 0) {
      events.push({ kind: 'submitted', id: id(submitted), carrier: CARRIER, part: 1, parts: 1, smscMessageId: smsc(submitted), at: t0 + 1 });
    }
    const receipted = shape === 'staggered' ? n - 2 * size : n;
    if (receipted >= 0) events.push(delivered(smsc(receipted), t0));
  }
  return events;
}

/** How many messages are delivered once `batches` batches of `size` are applied. */
export function deliveredAfter(shape: StatusShape, batches: number, size: number): number {
  return shape === 'staggered' ? Math.max(0, batches - 2) * size : batches * size;
}
