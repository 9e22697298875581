/**
 * The receipt timeout: messages whose receipt never came (the SMSC lost it, or never sends one for some routes)
 * would stay `submitted` for ever. Once a minute, per carrier, the messages submitted in the window that has just
 * passed its `receiptTimeoutS` and still `submitted` become `unknown`. The window advances from a mark kept in the
 * database, so a restart resumes where the last sweep stopped and nothing is scanned twice.
 */
import { systemClock, type Cancel, type Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import type { Logger } from '../log/logger.js';
import { markUnreceipted, selectSweepMark, upsertSweepMark } from './pg-status-sql.js';

export interface ReceiptTimeoutCarrier {
  id: string;
  receiptTimeoutS: number;
  registeredDelivery: boolean;
}

export interface ReceiptTimeoutSweeper {
  /** One sweep of every carrier now; resolves with the messages moved to `unknown`. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

export function startReceiptTimeoutSweeper(o: {
  db: Db;
  carriers: readonly ReceiptTimeoutCarrier[];
  log: Logger;
  onTimedOut?: (carrier: string, n: number) => void;
  clock?: Clock;
  everyMs?: number;
  /** Rows per statement. */
  batch?: number;
  /** Start the periodic sweeps (false: only `sweep()` on demand, for tests). */
  periodic?: boolean;
}): ReceiptTimeoutSweeper {
  const clock = o.clock ?? systemClock;
  const everyMs = o.everyMs ?? 60_000;
  const batch = o.batch ?? 2000;
  const log = o.log.child({ component: 'receipt-timeout' });
  const carriers = o.carriers.filter((c) => c.registeredDelivery && c.receiptTimeoutS > 0);
  let running: Promise<number> | undefined;
  let cancel: Cancel | undefined;
  let stopped = false;

  async function sweepCarrier(c: ReceiptTimeoutCarrier): Promise<number> {
    const name = `receipt-timeout:${c.id}`;
    const to = clock.now() - c.receiptTimeoutS * 1000;
    const [mark] = await queryRows<{ up_to: number }>(o.db, selectSweepMark(name));
    // The first sweep ever starts a couple of intervals back: older messages predate the feature.
    const from = mark ? Number(mark.up_to) : to - 2 * everyMs;
    if (to <= from) return 0;
    let moved = 0;
    for (;;) {
      const rows = await queryRows<{ id: string }>(o.db, markUnreceipted(c.id, from, to, batch, `no receipt within ${c.receiptTimeoutS} s of the submit`));
      moved += rows.length;
      if (rows.length < batch) break;
    }
    await o.db.execute(upsertSweepMark(name, to));
    if (moved > 0) {
      o.onTimedOut?.(c.id, moved);
      log.warn({ carrier: c.id, messages: moved, receiptTimeoutS: c.receiptTimeoutS }, 'messages without a receipt marked unknown');
    }
    return moved;
  }

  async function sweep(): Promise<number> {
    let n = 0;
    for (const c of carriers) {
      try {
        n += await sweepCarrier(c);
      } catch (err) {
        log.warn({ carrier: c.id, err: errorMessage(err) }, 'receipt timeout sweep failed; will retry');
      }
    }
    return n;
  }

  function tick(): void {
    if (stopped) return;
    running = sweep().finally(() => {
      running = undefined;
      if (!stopped) cancel = clock.setTimer(everyMs, tick, { unref: true });
    });
  }
  if (o.periodic !== false && carriers.length > 0) cancel = clock.setTimer(everyMs, tick, { unref: true });

  return {
    sweep: () => (running ??= sweep().finally(() => (running = undefined))),
    async stop() {
      stopped = true;
      cancel?.();
      await running;
    },
  };
}
