/**
 * The status writer without NATS or a database: fake work sources, a fake store and a fake clock. It settles a bus
 * message only after the commit that carried its events, retries what could not be written, and keeps receipts
 * that never match as orphans after the configured number of tries.
 */
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeWorkSource, type FakeWorkSource } from '../bus/test-work-source.js';
import { fakeClock, type FakeClock } from '../core/clock.js';
import { noopLogger } from '../log/logger.js';
import { createStatusMetrics } from '../metrics/status.js';
import type { ReceiptEvent, StatusEvent, SubmittedEvent } from '../sms/events.js';
import type { ApplyResult, StatusStore } from './status-store.js';
import { startStatusWriter, type StatusWriter } from './status-writer.js';

interface FakeStore extends StatusStore {
  applied: StatusEvent[][];
  orphans: ReceiptEvent[];
  failNext: number;
  /** While set, apply waits for it to resolve (a slow database). */
  gate: Promise<void> | undefined;
  /** Receipts with this smsc id match nothing. */
  unmatchedSmsc: Set<string>;
}

function fakeStore(): FakeStore {
  const s: FakeStore = {
    applied: [],
    orphans: [],
    failNext: 0,
    gate: undefined,
    unmatchedSmsc: new Set(),
    async apply(events): Promise<ApplyResult> {
      if (s.gate) await s.gate;
      if (s.failNext > 0) {
        s.failNext--;
        throw new Error('database unavailable');
      }
      s.applied.push([...events]);
      const unmatchedReceipts: number[] = [];
      events.forEach((e, i) => {
        if (e.kind === 'receipt' && s.unmatchedSmsc.has(e.smscMessageId)) unmatchedReceipts.push(i);
      });
      return { unmatchedReceipts, finals: {} };
    },
    async recordOrphanReceipts(events) {
      s.orphans.push(...events);
    },
    async getMessage() {
      return null;
    },
    async listMessages() {
      return { messages: [], next: null };
    },
    async close() {},
  };
  return s;
}

const submitted = (id: string): SubmittedEvent => ({ kind: 'submitted', id, carrier: 'acme', part: 1, parts: 1, smscMessageId: `s-${id}`, at: 1 });
const receipt = (smsc: string): ReceiptEvent => ({ kind: 'receipt', carrier: 'acme', smscMessageId: smsc, status: 'delivered', stat: 'DELIVRD', err: null, doneAt: null, at: 2 });

async function turns(k = 5): Promise<void> {
  for (let i = 0; i < k; i++) await new Promise<void>((r) => setImmediate(r));
}

let writer: StatusWriter | undefined;
afterEach(async () => {
  await writer?.stop();
  writer = undefined;
});

async function start(
  o: { batchSize?: number; maxWaitMs?: number; orphanAfter?: number; progressEveryMs?: number; forward?: (events: StatusEvent[]) => Promise<void> } = {},
): Promise<{
  clock: FakeClock;
  source: FakeWorkSource<StatusEvent[]>;
  store: FakeStore;
}> {
  const clock = fakeClock(0);
  const source = fakeWorkSource<StatusEvent[]>();
  const store = fakeStore();
  writer = await startStatusWriter({
    store,
    sources: [{ source, maxMessages: 10 }],
    metrics: createStatusMetrics(new Registry()),
    log: noopLogger,
    clock,
    batchSize: o.batchSize ?? 100,
    maxWaitMs: o.maxWaitMs ?? 50,
    orphanAfter: o.orphanAfter ?? 20,
    progressEveryMs: o.progressEveryMs ?? 2000,
    ...(o.forward ? { forward: o.forward } : {}),
  });
  return { clock, source, store };
}

describe('status writer', () => {
  it('writes the events of several bus messages in one transaction once the wait is over, then acks each', async () => {
    const { clock, source, store } = await start({ maxWaitMs: 50 });
    const a = source.push([submitted('a')]);
    const b = source.push([submitted('b'), submitted('c')]);
    await turns();
    await clock.advanceAsync(49, 7);
    expect(store.applied).toEqual([]);
    expect(a.settlement).toBeUndefined();
    await clock.advanceAsync(1);
    expect(store.applied).toEqual([[submitted('a'), submitted('b'), submitted('c')]]);
    expect(a.settlement).toEqual({ kind: 'ack' });
    expect(b.settlement).toEqual({ kind: 'ack' });
  });

  it('commits a full batch at once, without waiting', async () => {
    const { source, store } = await start({ batchSize: 2, maxWaitMs: 10_000 });
    source.push([submitted('a')]);
    source.push([submitted('b')]);
    await turns();
    expect(store.applied).toEqual([[submitted('a'), submitted('b')]]);
  });

  it('retries every message of a batch the store could not write, later each time', async () => {
    const { clock, source, store } = await start();
    store.failNext = 1;
    const first = source.push([submitted('a')]);
    const fourth = source.push([submitted('b')], { deliveryCount: 4 });
    await turns();
    await clock.advanceAsync(60, 10);
    expect(first.settlement).toEqual({ kind: 'retry', delayMs: 2000 });
    expect(fourth.settlement).toEqual({ kind: 'retry', delayMs: 16_000 });
  });

  it('retries a receipt that matches no message yet, then keeps it as an orphan after the configured tries', async () => {
    const { clock, source, store } = await start({ orphanAfter: 3 });
    store.unmatchedSmsc.add('early');
    const first = source.push([receipt('early')]);
    const third = source.push([receipt('early')], { deliveryCount: 3 });
    const last = source.push([receipt('early')], { deliveryCount: 2, lastAttempt: true });
    const fine = source.push([receipt('matched')]);
    await turns();
    await clock.advanceAsync(60, 10);
    expect(first.settlement).toEqual({ kind: 'retry', delayMs: 250 });
    expect(third.settlement).toEqual({ kind: 'ack' });
    expect(last.settlement).toEqual({ kind: 'ack' });
    expect(fine.settlement).toEqual({ kind: 'ack' });
    expect(store.orphans.map((o) => o.smscMessageId)).toEqual(['early', 'early']);
  });

  it('reports messages held by a slow commit in progress every 2 s, so a short ack_wait does not redeliver them', async () => {
    const { clock, source, store } = await start({ progressEveryMs: 2000 });
    let open!: () => void;
    store.gate = new Promise<void>((r) => (open = r));
    const slow = source.push([submitted('a')]);
    await turns();
    await clock.advanceAsync(1990, 10);
    expect(slow.progressCalls).toBe(0);
    await clock.advanceAsync(4100, 10);
    // Held since t≈0: reported at the sweeps at 2 s, 4 s and 6 s (each sweep that finds it held ≥ 2 s).
    expect(slow.progressCalls).toBe(3);
    expect(slow.settlement).toBeUndefined();
    store.gate = undefined;
    open();
    await turns();
    expect(slow.settlement).toEqual({ kind: 'ack' });
    const fast = source.push([submitted('b')]);
    await clock.advanceAsync(6000, 10);
    expect(fast.settlement).toEqual({ kind: 'ack' });
    expect(fast.progressCalls).toBe(0);
    expect(slow.progressCalls).toBe(3);
  });

  it('acks a message with nothing to write without a transaction', async () => {
    const { clock, source, store } = await start();
    const empty = source.push([]);
    await turns();
    await clock.advanceAsync(100, 10);
    expect(empty.settlement).toEqual({ kind: 'ack' });
    expect(store.applied).toEqual([]);
  });

  it('forwards what a batch committed (no accepted records, no receipt still waiting) before acking, and retries the batch when forwarding fails', async () => {
    const forwarded: StatusEvent[][] = [];
    let down = true;
    const { clock, source, store } = await start({
      forward: async (evs) => {
        if (down) throw new Error('NATS is not connected');
        forwarded.push(evs);
      },
    });
    store.unmatchedSmsc.add('early');
    const accepted: StatusEvent = { kind: 'accepted', message: { id: 'a', clientId: 'c', carrier: 'acme', to: '+447700900123', from: 'ACME', encoding: 'gsm7', segments: 1, acceptedAt: 0 } };
    const m = source.push([accepted, submitted('a'), receipt('early'), receipt('s-a')]);
    await turns();
    await clock.advanceAsync(60, 10);
    expect(store.applied).toHaveLength(1);
    expect(forwarded).toEqual([]);
    expect(m.settlement).toEqual({ kind: 'retry', delayMs: 2000 });

    down = false;
    const again = source.push([accepted, submitted('a'), receipt('early'), receipt('s-a')], { deliveryCount: 2 });
    await turns();
    await clock.advanceAsync(60, 10);
    expect(forwarded).toEqual([[submitted('a'), receipt('s-a')]]);
    // The waiting receipt holds its message back for a retry, as without forwarding.
    expect(again.settlement).toEqual({ kind: 'retry', delayMs: 500 });
  });

  it('starts the next batch\'s transaction while the last one\'s forward is being stored, and acks a batch only after its forward', async () => {
    const pending: (() => void)[] = [];
    const { clock, source, store } = await start({ forward: () => new Promise<void>((r) => pending.push(r)) });
    const first = source.push([submitted('a')]);
    await turns();
    await clock.advanceAsync(60, 10);
    expect(store.applied).toEqual([[submitted('a')]]);
    expect(pending).toHaveLength(1);
    const second = source.push([submitted('b')]);
    await turns();
    await clock.advanceAsync(60, 10);
    // Committed although the first forward is not stored yet; neither batch is acked.
    expect(store.applied).toEqual([[submitted('a')], [submitted('b')]]);
    expect(first.settlement).toBeUndefined();
    expect(second.settlement).toBeUndefined();
    pending[0]!();
    await turns();
    expect(first.settlement).toEqual({ kind: 'ack' });
    expect(second.settlement).toBeUndefined();
    pending[1]!();
    await turns();
    expect(second.settlement).toEqual({ kind: 'ack' });
  });
});
