/**
 * The dead-letter stream: a message no consumer can process is copied, with why and from where, to
 * `sms.dead.<original subject>` (stream SMS_DEAD), and only then removed from its work queue.
 *
 * Removal is a plain ack after the copy is stored. `term()` would be the natural call, but nats-server 2.9
 * (Debian's) does not honour a term that carries a reason: the message came back every ack_wait, for ever.
 */
import type { JsMsg } from '@nats-io/jetstream';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import type { DeadReason } from './delivery.js';
import type { Publisher } from './publisher.js';
import { Subjects } from './subjects.js';

/** Headers of a dead letter, besides a copy of the original's own headers. */
export const DeadLetterHeaders = {
  reason: 'Smsmesh-Dead-Reason',
  detail: 'Smsmesh-Dead-Detail',
  stream: 'Smsmesh-Dead-Stream',
  seq: 'Smsmesh-Dead-Seq',
  consumer: 'Smsmesh-Dead-Consumer',
  subject: 'Smsmesh-Dead-Subject',
  deliveries: 'Smsmesh-Dead-Deliveries',
  at: 'Smsmesh-Dead-At',
  /** The original Nats-Msg-Id (the dead letter has its own, so that two consumers of one message store it once). */
  msgId: 'Smsmesh-Dead-Msg-Id',
} as const;

export interface DeadLetterSource {
  stream: string;
  consumer: string;
}

export type DeadLetterSink = (m: JsMsg, from: DeadLetterSource, reason: DeadReason, detail: string) => Promise<void>;

/** Header values are one line of printable text; a reason taken from a parser error may be neither. */
function headerValue(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]+/g, ' ').slice(0, 512);
}

export function createDeadLetterSink(o: {
  publisher: Publisher;
  log: Logger;
  onDeadLetter?: (stream: string, reason: DeadReason, subject: string) => void;
  now?: () => number;
}): DeadLetterSink {
  const now = o.now ?? Date.now;
  return async function deadLetter(m, from, reason, detail) {
    const headers: Record<string, string> = {};
    if (m.headers) {
      for (const [k, vs] of m.headers) if (vs[0] !== undefined && k !== 'Nats-Msg-Id') headers[k] = vs[0];
    }
    const original = m.headers?.get('Nats-Msg-Id');
    if (original) headers[DeadLetterHeaders.msgId] = original;
    Object.assign(headers, {
      [DeadLetterHeaders.reason]: reason,
      [DeadLetterHeaders.detail]: headerValue(detail),
      [DeadLetterHeaders.stream]: from.stream,
      [DeadLetterHeaders.seq]: String(m.seq),
      [DeadLetterHeaders.consumer]: from.consumer,
      [DeadLetterHeaders.subject]: m.subject,
      [DeadLetterHeaders.deliveries]: String(m.info.deliveryCount),
      [DeadLetterHeaders.at]: new Date(now()).toISOString(),
    });
    try {
      await o.publisher.publish(Subjects.dead(m.subject), m.data, {
        msgID: `dead:${from.stream}:${m.seq}`,
        deadlineMs: 5000,
        headers,
      });
    } catch (err) {
      o.log.error({ stream: from.stream, seq: m.seq, reason, err: errorMessage(err) }, 'could not store a dead letter; the message stays queued');
      throw err;
    }
    o.onDeadLetter?.(from.stream, reason, m.subject);
    o.log.error({ stream: from.stream, consumer: from.consumer, seq: m.seq, subject: m.subject, reason, detail }, 'message dead-lettered');
  };
}
