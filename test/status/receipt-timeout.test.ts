/**
 * The receipt timeout on both databases: messages still `submitted` past their carrier's receiptTimeoutS become
 * `unknown`, and only those (delivered ones, ones within the timeout and other carriers' stay); the sweep resumes
 * from its mark; and a receipt that arrives after the timeout still delivers the message.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from '../../internal/core/clock.js';
import { noopLogger } from '../../internal/log/logger.js';
import type { StatusEvent } from '../../internal/sms/events.js';
import { createPgStatusStore } from '../../internal/status/pg-status-store.js';
import { startReceiptTimeoutSweeper } from '../../internal/status/receipt-timeout.js';
import type { StatusStore } from '../../internal/status/status-store.js';
import { backends, type OpenedBackend } from '../db/backends.js';

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

describe.each(backends)('receipt timeout on $name', (backend) => {
  let b: OpenedBackend;
  let store: StatusStore;
  beforeAll(async () => {
    b = await backend.open();
    store = createPgStatusStore(b.database);
  });
  afterAll(async () => {
    await store?.close();
    await b?.cleanup();
  });

  const submittedAt = (carrier: string, at: number, smsc = randomUUID()): { id: string; smsc: string; events: StatusEvent[] } => {
    const id = randomUUID();
    return {
      id,
      smsc,
      events: [
        { kind: 'accepted', message: { id, clientId: 'c', carrier, to: '+447700900001', from: 'X', encoding: 'gsm7', segments: 1, acceptedAt: at - 10 } },
        { kind: 'submitted', id, carrier, part: 1, parts: 1, smscMessageId: smsc, at },
      ],
    };
  };

  it('marks only what is past the timeout and still submitted, resumes from its mark, and yields to a late receipt', async () => {
    const clock = fakeClock(T0);
    const sweeper = startReceiptTimeoutSweeper({
      db: b.database.db,
      carriers: [
        { id: 'acme', receiptTimeoutS: 2 * 3600, registeredDelivery: true },
        { id: 'quiet', receiptTimeoutS: 2 * 3600, registeredDelivery: false },
      ],
      log: noopLogger,
      clock,
      everyMs: 60_000,
      batch: 2,
      periodic: false,
    });
    // The first sweep only sets the mark (2 minutes back from T0 − 2 h): nothing older predates it.
    expect(await sweeper.sweep()).toBe(0);

    const old = [0, 1, 2].map((i) => submittedAt('acme', T0 - 2 * HOUR + 10_000 + i));
    const delivered = submittedAt('acme', T0 - 2 * HOUR + 20_000);
    const recent = submittedAt('acme', T0 - HOUR);
    const otherCarrier = submittedAt('quiet', T0 - 2 * HOUR + 30_000);
    await store.apply([...old.flatMap((m) => m.events), ...delivered.events, ...recent.events, ...otherCarrier.events]);
    await store.apply([{ kind: 'receipt', carrier: 'acme', smscMessageId: delivered.smsc, status: 'delivered', stat: 'DELIVRD', err: null, doneAt: null, at: T0 - HOUR }]);

    clock.advance(60_000);
    // Three messages in batches of two: the loop repeats until a short batch.
    expect(await sweeper.sweep()).toBe(3);
    for (const m of old) expect((await store.getMessage(m.id, 'c'))?.status).toBe('unknown');
    expect((await store.getMessage(old[0]!.id, 'c'))?.error).toBe('no receipt within 7200 s of the submit');
    expect((await store.getMessage(delivered.id, 'c'))?.status).toBe('delivered');
    expect((await store.getMessage(recent.id, 'c'))?.status).toBe('submitted');
    expect((await store.getMessage(otherCarrier.id, 'c'))?.status).toBe('submitted');

    // Nothing new is past the timeout: the next sweep moves nothing, and the recent one only when its time comes.
    expect(await sweeper.sweep()).toBe(0);
    clock.advance(HOUR);
    expect(await sweeper.sweep()).toBe(1);
    expect((await store.getMessage(recent.id, 'c'))?.status).toBe('unknown');

    // A receipt after the timeout still decides.
    await store.apply([{ kind: 'receipt', carrier: 'acme', smscMessageId: old[1]!.smsc, status: 'delivered', stat: 'DELIVRD', err: null, doneAt: null, at: T0 + HOUR }]);
    expect((await store.getMessage(old[1]!.id, 'c'))?.status).toBe('delivered');
    await sweeper.stop();
  });
});
