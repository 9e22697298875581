/**
 * Groups items that arrive close together into one flush (one JetStream message, one transaction):
 * at most `maxItems` per flush, and no item waits longer than `maxDelayMs`. Each add() resolves or
 * rejects with the flush that carried its item, so callers still settle one message at a time.
 *
 * With `oneInFlight`, a due flush waits while the previous one is still running and then carries
 * everything that arrived meanwhile (a full batch still goes at once). Batches then grow with the load by
 * themselves: an idle sink flushes at once, a busy one sends one message per round trip instead of one
 * per turn. A fixed linger would do the same at a price: every item would wait, and the connector holds
 * a window slot until its event is stored (a 2 ms linger cut window-1 binds to ~270 submit_sm/s).
 */
export interface Batcher<T> {
  add(item: T): Promise<void>;
  /** Flushes what is waiting now. */
  flush(): Promise<void>;
}

interface Waiting<T> {
  items: T[];
  resolvers: { resolve: () => void; reject: (err: unknown) => void }[];
}

export interface BatcherOptions<T> {
  maxItems: number;
  maxDelayMs: number;
  oneInFlight?: boolean;
  flush: (items: T[]) => Promise<void>;
}

export function createBatcher<T>(o: BatcherOptions<T>): Batcher<T> {
  let current: Waiting<T> = { items: [], resolvers: [] };
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  let running = 0;
  /** A flush came due while another ran (oneInFlight): send when that one ends. */
  let deferred = false;
  const clear = (t: NodeJS.Timeout | NodeJS.Immediate) => (o.maxDelayMs > 0 ? clearTimeout(t as NodeJS.Timeout) : clearImmediate(t as NodeJS.Immediate));

  function take(): Waiting<T> {
    const w = current;
    current = { items: [], resolvers: [] };
    if (timer) {
      clear(timer);
      timer = undefined;
    }
    deferred = false;
    return w;
  }

  async function run(w: Waiting<T>): Promise<void> {
    if (w.items.length === 0) return;
    running++;
    try {
      await o.flush(w.items);
      for (const r of w.resolvers) r.resolve();
    } catch (err) {
      for (const r of w.resolvers) r.reject(err);
    } finally {
      running--;
      if (deferred && running === 0) void run(take());
    }
  }

  function due(): void {
    timer = undefined;
    if (o.oneInFlight && running > 0) deferred = true;
    else void run(take());
  }

  return {
    add(item) {
      return new Promise<void>((resolve, reject) => {
        current.items.push(item);
        current.resolvers.push({ resolve, reject });
        if (current.items.length >= o.maxItems) void run(take());
        // maxDelayMs 0: flush once the current I/O callbacks are done — everything that arrived in the
        // same socket read shares the flush, and a lone item does not wait for a timer.
        else if (!deferred) timer ??= o.maxDelayMs > 0 ? setTimeout(due, o.maxDelayMs) : setImmediate(due);
      });
    },
    flush: () => run(take()),
  };
}
