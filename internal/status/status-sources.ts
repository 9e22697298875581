/**
 * Where the status writer's events come from: SMS_EVENTS (durable status-writer) — the edges' accepted records and
 * the connectors' event batches — and dead-lettered MT messages (SMS_DEAD, status-dead), which end as `failed` so
 * that every accepted message reaches a recorded final state. The writer never reads SMS_MT or SMS_SCHEDULED: each
 * message there has exactly one consumer (its connector, or the scheduler).
 */
import type { JsMsg } from '@nats-io/jetstream';
import { decodeEvents, peekMtIdentity } from '../bus/codec.js';
import type { Bus } from '../bus/connection.js';
import { DeadLetterHeaders, type DeadLetterSink } from '../bus/dead-letters.js';
import type { WorkSource } from '../bus/delivery.js';
import { openPullConsumer } from '../bus/pull-consumer.js';
import { Durables, Streams } from '../bus/subjects.js';
import { TRACEPARENT } from '../core/trace-context.js';
import type { Logger } from '../log/logger.js';
import type { FailedEvent, StatusEvent } from '../sms/events.js';

/** A dead-lettered MT as the failure it is; nothing when no id can be read from it (nothing to record it under). */
export function failureFromDeadMt(m: Pick<JsMsg, 'data' | 'headers'>, now: number): FailedEvent[] {
  // Dead-lettered because it broke the schema, perhaps: its id and carrier are all it takes to record it.
  const mt = peekMtIdentity(m.data);
  if (!mt) return [];
  const reason = m.headers?.get(DeadLetterHeaders.reason) || 'unknown';
  const detail = m.headers?.get(DeadLetterHeaders.detail) || '';
  const at = Date.parse(m.headers?.get(DeadLetterHeaders.at) ?? '');
  // A dead letter keeps the original's headers, its traceparent among them.
  const traceparent = m.headers?.get(TRACEPARENT) || undefined;
  return [
    {
      kind: 'failed',
      id: mt.id,
      carrier: mt.carrier,
      status: 'failed',
      error: `dead-lettered (${reason})${detail ? `: ${detail}` : ''}`,
      at: Number.isFinite(at) ? at : now,
      ...(mt.clientId !== undefined ? { clientId: mt.clientId } : {}),
      ...(traceparent !== undefined ? { traceparent } : {}),
    },
  ];
}

export async function openStatusSources(
  bus: Pick<Bus, 'js'>,
  deadLetters: DeadLetterSink,
  log: Logger,
  /** The writer's events per transaction: accepted messages are pulled about one batch ahead. */
  batchSize = 2500,
  now: () => number = Date.now,
): Promise<{ source: WorkSource<StatusEvent[]>; maxMessages: number }[]> {
  // Weighed by events: a writer's backlog is the events waiting, whatever number of messages carry them.
  const open = (stream: string, durable: string, decode: (m: JsMsg) => StatusEvent[]) =>
    openPullConsumer<StatusEvent[]>(bus.js, { stream, durable, decode, weigh: (events) => events.length, deadLetters, log });
  // Client-side buffering is kept to a few batches: anything pulled waits its turn, and a message that waits
  // longer than ack_wait is redelivered and written twice — under load that snowballs. Event messages carry up
  // to 100–200 events each, but an edge's accepted records under light load only a few: 250 messages a pull keeps a batch's worth coming without holding more than a few batches.
  return [
    { source: await open(Streams.events, Durables.statusWriter, (m) => decodeEvents(m.data)), maxMessages: Math.max(64, Math.ceil(batchSize / 10)) },
    { source: await open(Streams.dead, Durables.statusDead, (m) => failureFromDeadMt(m, now())), maxMessages: 100 },
  ];
}
