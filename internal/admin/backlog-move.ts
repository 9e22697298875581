/**
 * Moves a paused carrier's queued messages to another carrier: each is published under the target's subject (its
 * carrier field changed) with the Nats-Msg-Id `move:<id>:<target>`, and only then acked on the source. Nothing is
 * lost (publish before ack), nothing is moved twice (a repeated publish within the MT stream's duplicate window is
 * dropped by JetStream), and a message delivered before (its SMSC may have taken it: a response timeout, a bind lost
 * mid-submit) is never moved: it stays with its carrier, so no second SMSC ever gets it.
 */
import { decodeMt, encodeMt } from '../bus/codec.js';
import type { Bus } from '../bus/connection.js';
import type { DeadLetterSink } from '../bus/dead-letters.js';
import type { Delivery } from '../bus/delivery.js';
import type { Publisher } from '../bus/publisher.js';
import { openPullConsumer } from '../bus/pull-consumer.js';
import { carrierBacklogs } from './carrier-backlog.js';
import { Durables, Streams, Subjects } from '../bus/subjects.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import type { MtMessage } from '../sms/message.js';

export interface MoveResult {
  moved: number;
  /** Delivered before (maybe taken by the source's SMSC): left with the source carrier. */
  kept: number;
  /** Never-delivered messages still on the source when the move stopped (arrived meanwhile, its time budget, a failure); -1 unknown. */
  remaining: number;
  error?: string;
}

export interface MoveOptions {
  from: string;
  to: string;
  /** Stop after this long; the rest stays queued (answer `remaining`), another call continues. */
  budgetMs?: number;
  batch?: number;
  /** How long a kept message waits before it is offered again: longer than the move, so one call sees it once. */
  keptDelayMs?: number;
}

export async function moveBacklog(
  deps: { bus: Pick<Bus, 'js' | 'jsm'>; publisher: Publisher; deadLetters: DeadLetterSink; publishDeadlineMs: number; log: Logger },
  o: MoveOptions,
): Promise<MoveResult> {
  const budgetMs = o.budgetMs ?? 20_000;
  const batch = o.batch ?? 200;
  const deadline = Date.now() + budgetMs;
  const source = await openPullConsumer<MtMessage>(deps.bus.js, {
    stream: Streams.mt,
    durable: Durables.connector(o.from),
    decode: (m) => decodeMt(m.data),
    deadLetters: deps.deadLetters,
    log: deps.log,
  });
  const info = () => deps.bus.jsm.consumers.info(Streams.mt, Durables.connector(o.from));
  const result: MoveResult = { moved: 0, kept: 0, remaining: 0 };
  let failed: unknown;

  async function moveOne(d: Delivery<MtMessage>): Promise<void> {
    if (d.deliveryCount > 1) {
      result.kept++;
      d.settle({ kind: 'retry', delayMs: o.keptDelayMs ?? budgetMs + 10_000 });
      return;
    }
    try {
      const mt: MtMessage = { ...d.body, carrier: o.to };
      await deps.publisher.publish(Subjects.mt(o.to), encodeMt(mt), { msgID: `move:${mt.id}:${o.to}`, deadlineMs: deps.publishDeadlineMs });
    } catch (err) {
      failed ??= err;
      d.settle({ kind: 'retry', delayMs: 0 });
      return;
    }
    d.settle({ kind: 'ack' });
    result.moved++;
  }

  // Bounded by what was queued when the move began (handed-back messages included): what arrives meanwhile is left
  // for another call.
  let toSee = (await carrierBacklogs(deps.bus.jsm))(o.from);
  while (toSee > 0 && failed === undefined && Date.now() < deadline) {
    const work: Promise<void>[] = [];
    const pull = source.fetch(Math.min(batch, toSee), 1000, (d) => void work.push(moveOne(d)));
    await pull.done;
    await Promise.all(work);
    if (work.length === 0) break;
    toSee -= work.length;
  }
  result.remaining = await info().then(
    (i) => i.num_pending,
    () => -1,
  );
  if (failed !== undefined) result.error = errorMessage(failed);
  deps.log.info({ from: o.from, to: o.to, ...result }, 'carrier backlog moved');
  return result;
}
