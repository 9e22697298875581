/**
 * Reads the state of JetStream consumers and streams every few seconds, for metrics: one JetStream API request per
 * consumer per interval, never anything on a message's path. A failed read (NATS away) keeps the last reading.
 */
import type { JetStreamManager } from '@nats-io/jetstream';

export interface ConsumerReading {
  /** Messages in the stream the consumer has not been given yet: the queue in front of it. */
  pending: number;
  /** Given to it and not yet acknowledged (in a window, or waiting for a retry). */
  ackPending: number;
  /** Of those, messages given to it more than once. */
  redelivered: number;
}

export interface StreamReading {
  messages: number;
  /** When the oldest message still stored was stored (ms since the epoch); undefined when the stream is empty. */
  oldestAt: number | undefined;
}

/** A durable consumer of a stream. */
export interface ConsumerRef {
  stream: string;
  durable: string;
}

export interface Poller {
  stop(): void;
}

/** Runs `read` now and then every `everyMs` after the previous read ended; errors are the reader's to handle. */
function poll(everyMs: number, read: () => Promise<void>): Poller {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void read().finally(loop), everyMs);
    timer.unref();
  };
  void read().finally(loop);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

export function pollConsumers(o: {
  jsm: Pick<JetStreamManager, 'consumers'>;
  consumers: readonly ConsumerRef[];
  everyMs: number;
  onReading(consumer: ConsumerRef, r: ConsumerReading): void;
}): Poller {
  return poll(o.everyMs, async () => {
    // One at a time: a hundred carriers cost a hundred small requests spread over the interval, not a burst.
    for (const c of o.consumers) {
      try {
        const info = await o.jsm.consumers.info(c.stream, c.durable);
        o.onReading(c, { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered });
      } catch {
        // NATS away, or the consumer not created yet: the last reading stands (smsmesh_nats_connected says why).
      }
    }
  });
}

export function pollStream(o: {
  jsm: Pick<JetStreamManager, 'streams'>;
  stream: string;
  everyMs: number;
  onReading(r: StreamReading): void;
}): Poller {
  return poll(o.everyMs, async () => {
    try {
      const { state } = await o.jsm.streams.info(o.stream);
      const at = Date.parse(state.first_ts);
      o.onReading({ messages: state.messages, oldestAt: state.messages > 0 && Number.isFinite(at) ? at : undefined });
    } catch {
      // As above: keep the last reading.
    }
  });
}
