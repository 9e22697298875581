/**
 * Accepted records: what the status writer learns of a message at acceptance (everything but its text), published
 * by the edge on `sms.evt.accepted`, many to one JetStream message, once the message itself is stored.
 *
 * Why not let the writer read SMS_MT: a second consumer on the work stream is a second delivery and ack per SMS,
 * and on a clustered nats-server 2.9 a second consumer's ack could remove an MT from the interest stream before its
 * connector had it (the rolling-restart drill lost 556 of 40,883 that way). Now every MT has exactly one consumer.
 *
 * Records go out after the 202, not before: the message is durable already, and a record that never arrives (the
 * edge killed between the two, NATS away longer than the bound) is made good by the connector's first event about
 * the message, which repeats the same facts. Pending records are bounded; past the bound they are dropped and
 * counted, for the same reason.
 */
import { acceptedFromMt, encodeEventChunks } from '../bus/codec.js';
import { createBatcher } from '../bus/batcher.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import type { AcceptedEvent } from '../sms/events.js';
import type { MtMessage } from '../sms/message.js';

export interface AcceptedRecords {
  /** Records a stored message (a replayed one too: the first edge may have died before its record left). */
  record(mt: MtMessage, scheduled: boolean, traceparent?: string): void;
  /** Records not yet stored in JetStream. */
  readonly pending: number;
  /** Sends what is pending, giving up at the deadline. */
  close(deadlineMs: number): Promise<void>;
}

export interface AcceptedRecordsOptions {
  /** Stores one bus message of records (resolves on its PubAck). */
  publish(data: Uint8Array): Promise<void>;
  log: Logger;
  /** Records held at most (waiting or being retried); default 100,000. */
  maxPending?: number;
  /** Records per bus message, at most: fewer when they would not fit in one (encodeEventChunks). */
  maxPerMessage?: number;
  retryDelayMs?: number;
  onDropped?: (n: number) => void;
}

export function createAcceptedRecords(o: AcceptedRecordsOptions): AcceptedRecords {
  const maxPending = o.maxPending ?? 100_000;
  const retryDelayMs = o.retryDelayMs ?? 1000;
  const log = o.log.child({ component: 'accepted-records' });
  let pending = 0;
  let retry: AcceptedEvent[] = [];
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  const batcher = createBatcher<AcceptedEvent>({
    maxItems: o.maxPerMessage ?? 100,
    maxDelayMs: 0,
    oneInFlight: true,
    flush: async (evs) => {
      await Promise.all(encodeEventChunks(evs).map((data) => o.publish(data)));
    },
  });

  function send(ev: AcceptedEvent): void {
    batcher.add(ev).then(
      () => {
        pending--;
        failures = 0;
      },
      (err: unknown) => {
        if (failures++ === 0) log.warn({ err: errorMessage(err) }, 'accepted records could not be stored; retrying');
        retry.push(ev);
        retryTimer ??= setTimeout(resend, retryDelayMs);
      },
    );
  }

  function resend(): void {
    retryTimer = undefined;
    const again = retry;
    retry = [];
    for (const ev of again) send(ev);
  }

  return {
    record(mt, scheduled, traceparent) {
      if (pending >= maxPending) {
        o.onDropped?.(1);
        return;
      }
      pending++;
      send(acceptedFromMt(mt, scheduled, traceparent));
    },
    get pending() {
      return pending;
    },
    async close(deadlineMs) {
      const deadline = Date.now() + deadlineMs;
      while (pending > 0 && Date.now() < deadline) {
        if (retryTimer) {
          clearTimeout(retryTimer);
          resend();
        }
        await batcher.flush().catch(() => {});
        if (pending > 0) await new Promise((r) => setTimeout(r, 50));
      }
      if (retryTimer) clearTimeout(retryTimer);
      if (pending > 0) {
        log.warn({ pending }, 'accepted records not stored before stopping; connectors will repeat their facts');
        o.onDropped?.(pending);
      }
    },
  };
}
