/** Test support: a WorkSource fed by the test, which records how each delivery was settled. */
import type { Delivery, Pull, Settlement, WorkSource } from './delivery.js';

export interface FakeDelivery<T> extends Delivery<T> {
  readonly settlement: Settlement | undefined;
  readonly progressCalls: number;
}

export interface DeliveryOptions {
  deliveryCount?: number;
  lastAttempt?: boolean;
  /** When the message was stored; 0 (the epoch) unless a test says. */
  storedAt?: number;
}

export interface FakeWorkSource<T> extends WorkSource<T> {
  /** Queues a message; it is handed out by the next fetch or a running consume. */
  push(body: T, o?: DeliveryOptions): FakeDelivery<T>;
  /** Every delivery handed out so far. */
  readonly delivered: FakeDelivery<T>[];
  /** The `max` of every fetch, in order. */
  readonly fetches: number[];
  /** Fetches waiting for messages. */
  waiting(): number;
}

export function fakeWorkSource<T>(): FakeWorkSource<T> {
  const queue: FakeDelivery<T>[] = [];
  const delivered: FakeDelivery<T>[] = [];
  const fetches: number[] = [];
  let seq = 0;
  let waiters: Array<() => void> = [];

  function make(body: T, o: DeliveryOptions = {}): FakeDelivery<T> {
    let settlement: Settlement | undefined;
    let progressCalls = 0;
    return {
      body,
      subject: 'fake',
      seq: ++seq,
      deliveryCount: o.deliveryCount ?? 1,
      storedAt: o.storedAt ?? 0,
      lastAttempt: o.lastAttempt ?? false,
      settle(s) {
        settlement ??= s;
      },
      inProgress() {
        progressCalls++;
      },
      get settlement() {
        return settlement;
      },
      get progressCalls() {
        return progressCalls;
      },
    };
  }

  function wakeAll(): void {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  }

  function pull(take: (state: { closed: boolean }) => Promise<void>): Pull {
    const state = { closed: false };
    const done = take(state);
    return {
      done,
      async close() {
        state.closed = true;
        wakeAll();
        await done.catch(() => {});
      },
    };
  }

  return {
    push(body, o) {
      const d = make(body, o);
      queue.push(d);
      wakeAll();
      return d;
    },
    delivered,
    fetches,
    waiting: () => waiters.length,
    fetch(max, _expiresMs, onDelivery) {
      fetches.push(max);
      return pull(async (state) => {
        // Like a JetStream pull: hands out what is queued, waits for more until something came or it is closed.
        while (queue.length === 0 && !state.closed) await new Promise<void>((r) => waiters.push(r));
        for (let n = 0; n < max && queue.length > 0; n++) {
          const d = queue.shift()!;
          delivered.push(d);
          onDelivery(d);
        }
      });
    },
    consume(_maxMessages, onDelivery) {
      return pull(async (state) => {
        while (!state.closed) {
          if (queue.length === 0) {
            await new Promise<void>((r) => waiters.push(r));
            continue;
          }
          const d = queue.shift()!;
          delivered.push(d);
          await onDelivery(d);
        }
      });
    },
  };
}
