/**
 * Runs callbacks at their due time with ONE timer for all of them: a binary min-heap ordered by due time
 * (ties in insertion order), so thousands of delayed submit_sm_resp cost one setTimeout, not one each.
 */
export interface DelayQueue {
  /** Calls `fn` at `dueAt` (epoch ms) or as soon after as the event loop allows. */
  add(dueAt: number, fn: () => void): void;
  readonly size: number;
  /** Drops every pending callback without calling it. */
  clear(): void;
}

interface Entry {
  due: number;
  seq: number;
  fn: () => void;
}

export function createDelayQueue(now: () => number = Date.now): DelayQueue {
  const heap: Entry[] = [];
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerDue = Number.POSITIVE_INFINITY;

  const less = (a: Entry, b: Entry): boolean => a.due < b.due || (a.due === b.due && a.seq < b.seq);

  function push(e: Entry): void {
    heap.push(e);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  function pop(): Entry | undefined {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }

  function arm(): void {
    const head = heap[0];
    if (!head) return;
    if (timer && head.due >= timerDue) return;
    if (timer) clearTimeout(timer);
    timerDue = head.due;
    timer = setTimeout(run, Math.max(0, head.due - now()));
  }

  function run(): void {
    timer = undefined;
    timerDue = Number.POSITIVE_INFINITY;
    const t = now();
    while (heap.length > 0 && heap[0]!.due <= t) {
      const e = pop()!;
      try {
        e.fn();
      } catch {
        // A callback's failure is its own business; the others still run.
      }
    }
    arm();
  }

  return {
    add(dueAt, fn) {
      push({ due: dueAt, seq: seq++, fn });
      arm();
    },
    get size() {
      return heap.length;
    },
    clear() {
      heap.length = 0;
      if (timer) clearTimeout(timer);
      timer = undefined;
      timerDue = Number.POSITIVE_INFINITY;
    },
  };
}
