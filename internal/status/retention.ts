/**
 * Retention: every `intervalMs` the status writer deletes message rows (with their parts) and unmatched receipts older
 * than `messagesDays`, and inbound messages older than `inboundDays`, `batchSize` rows per statement with a pause
 * between statements — never one long transaction or a lock on a whole table, so intake and status writes go on.
 * Several status writers may sweep at once: they delete disjoint or already-deleted rows, which costs nothing.
 */
import type { SQL } from 'drizzle-orm';
import { systemClock, type Cancel, type Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import type { Logger } from '../log/logger.js';
import { deleteOldInbound, deleteOldMessages, deleteOldOrphans, type DeletedRows } from './retention-sql.js';

export interface RetentionSettings {
  messagesDays?: number | undefined;
  inboundDays?: number | undefined;
  batchSize: number;
  intervalMs: number;
  pauseMs: number;
}

export interface RetentionCounts {
  messages: number;
  orphanReceipts: number;
  inbound: number;
}

export interface Retention {
  /** One sweep now (or the one running); resolves with the rows deleted. */
  sweep(): Promise<RetentionCounts>;
  stop(): Promise<void>;
}

const DAY_MS = 86_400_000;

export function startRetention(o: {
  db: Db;
  config: RetentionSettings;
  log: Logger;
  clock?: Clock;
  periodic?: boolean;
  onDeleted?: (table: 'messages' | 'orphan_receipts' | 'inbound_messages', n: number) => void;
}): Retention {
  const clock = o.clock ?? systemClock;
  const c = o.config;
  const log = o.log.child({ component: 'retention' });
  let stopped = false;
  let cancel: Cancel | undefined;
  let running: Promise<RetentionCounts> | undefined;

  const pause = () => new Promise<void>((r) => clock.setTimer(c.pauseMs, r, { unref: true }));

  /**
   * Statements until one from the beginning deletes fewer than a batch. Each starts at the newest time the last one
   * deleted, so the BRIN scan skips what earlier statements emptied; rows passed over that way (stored out of time
   * order, like the oldest of a batch written late) are found by one more pass from the beginning once the range runs
   * dry. Terminates: every full statement deletes a batch.
   */
  async function drain(statement: (fromMs: number, limit: number) => SQL): Promise<number> {
    let total = 0;
    let from = 0;
    while (!stopped) {
      const [row] = await queryRows<DeletedRows>(o.db, statement(from, c.batchSize));
      const n = Number(row?.n ?? 0);
      total += n;
      if (n < c.batchSize) {
        if (from === 0) break;
        from = 0;
      } else if (row?.upto !== null && row?.upto !== undefined) {
        from = Number(row.upto);
      }
      if (c.pauseMs > 0) await pause();
    }
    return total;
  }

  async function sweep(): Promise<RetentionCounts> {
    const now = clock.now();
    const out: RetentionCounts = { messages: 0, orphanReceipts: 0, inbound: 0 };
    try {
      if (c.messagesDays !== undefined) {
        const before = now - c.messagesDays * DAY_MS;
        out.messages = await drain((from, n) => deleteOldMessages(before, from, n));
        out.orphanReceipts = await drain((from, n) => deleteOldOrphans(before, from, n));
      }
      if (c.inboundDays !== undefined) {
        const before = now - c.inboundDays * DAY_MS;
        out.inbound = await drain((from, n) => deleteOldInbound(before, from, n));
      }
    } catch (err) {
      log.warn({ err: errorMessage(err) }, 'retention sweep failed; will retry at the next interval');
    }
    if (out.messages + out.orphanReceipts + out.inbound > 0) log.info({ deleted: out }, 'old rows deleted');
    o.onDeleted?.('messages', out.messages);
    o.onDeleted?.('orphan_receipts', out.orphanReceipts);
    o.onDeleted?.('inbound_messages', out.inbound);
    return out;
  }

  function tick(): void {
    if (stopped) return;
    running = sweep().finally(() => {
      running = undefined;
      if (!stopped) cancel = clock.setTimer(c.intervalMs, tick, { unref: true });
    });
  }
  const enabled = c.messagesDays !== undefined || c.inboundDays !== undefined;
  // The first sweep comes soon after start, not an interval later: a restart loop must not postpone deletion for ever.
  if (o.periodic !== false && enabled) cancel = clock.setTimer(Math.min(c.intervalMs, 10_000), tick, { unref: true });

  return {
    sweep: () => (running ??= sweep().finally(() => (running = undefined))),
    async stop() {
      stopped = true;
      cancel?.();
      await running;
    },
  };
}
