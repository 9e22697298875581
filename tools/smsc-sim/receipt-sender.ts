/**
 * Sends receipts: one timer over a due-ordered queue, a system whose receivers have no room waits for
 * onWritable (or a new bind), and a receipt that fails is retried a bounded number of times.
 */
import { statusName } from '../../internal/smpp/command-status.js';
import type { Logger } from '../../internal/smpp/logger.js';
import { receiptPdu } from './receipt-pdu.js';
import { createReceiptQueue, type QueuedReceipt } from './receipt-queue.js';
import type { SessionRegistry, SimSession } from './session-registry.js';
import type { SimCounters } from './sim-stats.js';

export interface ReceiptSender {
  /** Receipts waiting in the queue. */
  readonly queued: number;
  enqueue(r: QueuedReceipt): void;
  /** A system's receivers may have room again: its due receipts go out. */
  wake(systemId: string): void;
  /** Sends a receipt now, on the submitting session if it receives (else another receiver), resolving after its deliver_sm_resp. */
  sendReceiptFirst(sim: SimSession, r: QueuedReceipt, now: number): Promise<void> | undefined;
  /** Cancels the timer and drops every queued receipt. */
  stop(): void;
}

export interface ReceiptSenderDeps {
  queueLimit: number;
  /** Offers of one receipt before it is given up. */
  maxAttempts?: number;
  sessions: SessionRegistry;
  counters: SimCounters;
  log: Logger;
  isClosed: () => boolean;
}

/** A receipt that failed (non-zero deliver_sm_resp, timeout, session lost) is retried after this long, this many times. */
const RECEIPT_RETRY_DELAY_MS = 1_000;
const RECEIPT_MAX_ATTEMPTS = 10;

export function createReceiptSender(deps: ReceiptSenderDeps): ReceiptSender {
  const { sessions, counters, log, isClosed } = deps;
  const maxAttempts = deps.maxAttempts ?? RECEIPT_MAX_ATTEMPTS;
  const queue = createReceiptQueue(deps.queueLimit);
  /** Systems whose due receipts found no session with room; woken by onWritable or a new bind. */
  const blocked = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let timerDue = Number.POSITIVE_INFINITY;

  function schedule(due: number): void {
    if (isClosed() || due >= timerDue) return;
    if (timer) clearTimeout(timer);
    timerDue = due;
    timer = setTimeout(pump, Math.max(0, due - Date.now()));
  }

  function pump(): void {
    timer = undefined;
    timerDue = Number.POSITIVE_INFINITY;
    if (isClosed()) return;
    const now = Date.now();
    for (const systemId of queue.systems()) {
      if (blocked.has(systemId)) continue;
      for (;;) {
        const head = queue.peek(systemId);
        if (!head || head.dueAt > now) break;
        const target = sessions.pickReceiver(systemId, head.preferredSessionId);
        if (!target) {
          blocked.add(systemId);
          break;
        }
        queue.shift(systemId);
        sendReceipt(target, head, now);
      }
    }
    const next = queue.earliestDue(blocked);
    if (next !== undefined) schedule(next);
  }

  function wake(systemId: string): void {
    blocked.delete(systemId);
    const head = queue.peek(systemId);
    if (head) schedule(head.dueAt);
  }

  function enqueue(r: QueuedReceipt): void {
    if (!queue.push(r)) {
      counters.receiptsDropped++;
      if (counters.receiptsDropped === 1 || counters.receiptsDropped % 10_000 === 0) {
        log.warn({ dropped: counters.receiptsDropped, queued: queue.size }, 'smsc-sim receipt queue full; receipts dropped');
      }
      return;
    }
    if (!blocked.has(r.systemId)) schedule(r.dueAt);
  }

  function sendReceipt(target: SimSession, r: QueuedReceipt, now: number): void {
    counters.receiptsSent++;
    target.session.request(receiptPdu(r, now)).then(
      (resp) => {
        if (resp.status !== 0) {
          counters.receiptsRefused++;
          retryReceipt(r, `deliver_sm_resp ${statusName(resp.status)}`);
        }
      },
      (err: unknown) => retryReceipt(r, err instanceof Error ? err.message : String(err)),
    );
  }

  function retryReceipt(r: QueuedReceipt, why: string): void {
    if (isClosed()) return;
    r.attempts++;
    if (r.attempts >= maxAttempts) {
      counters.receiptsDropped++;
      log.warn({ smscMessageId: r.smscMessageId, why }, 'smsc-sim receipt given up');
      return;
    }
    log.debug({ smscMessageId: r.smscMessageId, attempts: r.attempts, why }, 'smsc-sim receipt will be retried');
    r.dueAt = Date.now() + RECEIPT_RETRY_DELAY_MS;
    r.preferredSessionId = 0;
    enqueue(r);
  }

  function sendReceiptFirst(sim: SimSession, r: QueuedReceipt, now: number): Promise<void> | undefined {
    const target = sessions.pickReceiver(sim.systemId, sim.id);
    if (!target) {
      enqueue(r);
      return undefined;
    }
    counters.receiptsSent++;
    return target.session.request(receiptPdu(r, now)).then(
      (resp) => {
        if (resp.status !== 0) {
          counters.receiptsRefused++;
          retryReceipt(r, `deliver_sm_resp ${statusName(resp.status)}`);
        }
      },
      (err: unknown) => retryReceipt(r, err instanceof Error ? err.message : String(err)),
    );
  }

  return {
    get queued() {
      return queue.size;
    },
    enqueue,
    wake,
    sendReceiptFirst,
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      queue.clear();
    },
  };
}
