/** Receipts waiting to go out, per system_id and in due-time order, with one bound on the total held. */
import type { ReceiptStatName } from './receipt-format.js';

export interface QueuedReceipt {
  /** Date.now() milliseconds. */
  dueAt: number;
  systemId: string;
  /** The simulator session the submit came on; tried first. */
  preferredSessionId: number;
  smscMessageId: string;
  /** Of the original submit; the receipt goes the other way. */
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  submittedAt: number;
  /** Set when first offered: an offer again (the ESME refused it) is the same receipt, done date and all. */
  doneAt?: number;
  stat: ReceiptStatName;
  text: string;
  attempts: number;
}

/** FIFO over an array with a moving head; compacted when the dead prefix dominates. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export interface ReceiptQueue {
  readonly size: number;
  /** False when the queue is at its limit and the receipt was dropped. */
  push(r: QueuedReceipt): boolean;
  systems(): IterableIterator<string>;
  peek(systemId: string): QueuedReceipt | undefined;
  shift(systemId: string): QueuedReceipt | undefined;
  /** The earliest due time among the given systems' heads, or undefined when none has one. */
  earliestDue(skip: ReadonlySet<string>): number | undefined;
  clear(): void;
}

/**
 * A plain FIFO per system instead of a heap: the delay is the same for every receipt, so arrival
 * order is due order. A due time is never earlier than the one before it in the same queue, which
 * keeps that true when the delay is lowered at run time (the newer receipts then wait their turn).
 */
export function createReceiptQueue(limit: number): ReceiptQueue {
  const queues = new Map<string, { fifo: Fifo<QueuedReceipt>; lastDue: number }>();
  let size = 0;
  return {
    get size() {
      return size;
    },
    push(r) {
      if (size >= limit) return false;
      let q = queues.get(r.systemId);
      if (!q) {
        q = { fifo: new Fifo(), lastDue: 0 };
        queues.set(r.systemId, q);
      }
      if (r.dueAt < q.lastDue) r.dueAt = q.lastDue;
      q.lastDue = r.dueAt;
      q.fifo.push(r);
      size++;
      return true;
    },
    systems: () => queues.keys(),
    peek: (systemId) => queues.get(systemId)?.fifo.peek(),
    shift(systemId) {
      const r = queues.get(systemId)?.fifo.shift();
      if (r) size--;
      return r;
    },
    earliestDue(skip) {
      let min: number | undefined;
      for (const [systemId, q] of queues) {
        if (skip.has(systemId)) continue;
        const head = q.fifo.peek();
        if (head && (min === undefined || head.dueAt < min)) min = head.dueAt;
      }
      return min;
    },
    clear() {
      queues.clear();
      size = 0;
    },
  };
}
