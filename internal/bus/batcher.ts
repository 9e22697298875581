/**
 * Groups items that arrive close together into one flush (one JetStream message, one transaction):
 * at most `maxItems` per flush, and no item waits longer than `maxDelayMs`. Each add() resolves or
 * rejects with the flush that carried its item, so callers still settle one message at a time.
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

export function createBatcher<T>(o: { maxItems: number; maxDelayMs: number; flush: (items: T[]) => Promise<void> }): Batcher<T> {
  let current: Waiting<T> = { items: [], resolvers: [] };
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  const clear = (t: NodeJS.Timeout | NodeJS.Immediate) => (o.maxDelayMs > 0 ? clearTimeout(t as NodeJS.Timeout) : clearImmediate(t as NodeJS.Immediate));

  function take(): Waiting<T> {
    const w = current;
    current = { items: [], resolvers: [] };
    if (timer) {
      clear(timer);
      timer = undefined;
    }
    return w;
  }

  async function run(w: Waiting<T>): Promise<void> {
    if (w.items.length === 0) return;
    try {
      await o.flush(w.items);
      for (const r of w.resolvers) r.resolve();
    } catch (err) {
      for (const r of w.resolvers) r.reject(err);
    }
  }

  return {
    add(item) {
      return new Promise<void>((resolve, reject) => {
        current.items.push(item);
        current.resolvers.push({ resolve, reject });
        if (current.items.length >= o.maxItems) void run(take());
        // maxDelayMs 0: flush once the current I/O callbacks are done — everything that arrived in the
        // same socket read shares the flush, and a lone item does not wait for a timer.
        else timer ??= o.maxDelayMs > 0 ? setTimeout(() => void run(take()), o.maxDelayMs) : setImmediate(() => void run(take()));
      });
    },
    flush: () => run(take()),
  };
}
