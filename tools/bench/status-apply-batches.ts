/**
 * The status events `make bench-status` applies, batch after batch, in the shapes the status writer meets:
 * - `folded`: each batch holds the accepted record, the submit and the final receipt of the same one-part messages,
 *   which is what a status writer that keeps up sees (its batches fold into one row insert per message);
 * - `staggered`: each batch holds the accepted records of new messages, the submits of the previous batch's and the
 *   receipts of the batch before that, which is what it sees while it or the SMSC lags (upsert, update, receipts).
 */
import type { StatusEvent } from '../../internal/sms/events.js';

export const STATUS_SHAPES = ['folded', 'staggered'] as const;
export type StatusShape = (typeof STATUS_SHAPES)[number];

const CARRIER = 'bench';
const id = (n: number) => `bench${String(n).padStart(12, '0')}`;
const smsc = (n: number) => `s${n}`;

/** The events of batch `index` (from 0) of `size` messages each, at time `t0`. */
export function statusBatch(shape: StatusShape, index: number, size: number, t0: number): StatusEvent[] {
  const events: StatusEvent[] = [];
  const first = index * size;
  for (let i = 0; i < size; i++) {
    const n = first + i;
    events.push({
      kind: 'accepted',
      message: { id: id(n), clientId: 'bench', clientRef: `r${n}`, carrier: CARRIER, to: '+4915112345678', from: 'SMSMESH', encoding: 'gsm7', segments: 1, acceptedAt: t0 },
    });
    const submitted = shape === 'folded' ? n : n - size;
    if (submitted >= 0) {
      events.push({ kind: 'submitted', id: id(submitted), carrier: CARRIER, part: 1, parts: 1, smscMessageId: smsc(submitted), at: t0 + 1 });
    }
    const receipted = shape === 'folded' ? n : n - 2 * size;
    if (receipted >= 0) {
      events.push({ kind: 'receipt', carrier: CARRIER, smscMessageId: smsc(receipted), status: 'delivered', stat: 'DELIVRD', err: null, doneAt: t0 + 2, at: t0 + 3 });
    }
  }
  return events;
}

/** How many messages are delivered once `batches` batches of `size` are applied. */
export function deliveredAfter(shape: StatusShape, batches: number, size: number): number {
  return shape === 'folded' ? batches * size : Math.max(0, batches - 2) * size;
}
