/**
 * Flow control of the status writer against a slow database: it takes messages off the bus only as fast as it can
 * commit them, so what it holds (JetStream's ack-pending count) stays bounded however far the database falls behind,
 * and every message is still applied. The store is a stand-in with a fixed commit time: this test is about the
 * writer's buffering, against a real nats-server.
 */
import { createDeadLetterSink } from '../../internal/bus/dead-letters.js';
import { createPublisher } from '../../internal/bus/publisher.js';
import { openStatusSources } from '../../internal/status/status-sources.js';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedFromMt, encodeEvents } from '../../internal/bus/codec.js';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { Durables, Streams, Subjects } from '../../internal/bus/subjects.js';
import { ensureTopology } from '../../internal/bus/topology.js';
import type { StatusStore } from '../../internal/status/status-store.js';
import { startStatusWriter, type StatusWriter } from '../../internal/status/status-writer.js';
import { noopLogger } from '../../internal/log/logger.js';
import { createStatusMetrics } from '../../internal/metrics/status.js';
import type { StatusEvent } from '../../internal/sms/events.js';
import type { MtMessage } from '../../internal/sms/message.js';
import { startTestNats, type TestNats } from '../support/nats.js';

const CARRIER = 'acme';
const MESSAGES = 2_000;
const COMMIT_MS = 100;
const BATCH = 50;

let nats: TestNats;
let bus: Bus;
let writer: StatusWriter | undefined;

/** Records every accepted id it is given; each apply takes COMMIT_MS, one at a time, like a busy database. */
function slowStore() {
  const applied: string[] = [];
  let busy = false;
  let overlapped = false;
  const store: StatusStore = {
    async apply(events: readonly StatusEvent[]) {
      if (busy) overlapped = true;
      busy = true;
      await new Promise((r) => setTimeout(r, COMMIT_MS));
      for (const e of events) if (e.kind === 'accepted') applied.push(e.message.id);
      busy = false;
      return { unmatchedReceipts: [], finals: {} };
    },
    async recordOrphanReceipts() {},
    async getMessage() {
      return null;
    },
    async listMessages() {
      return { messages: [], next: null };
    },
    async close() {},
  };
  return { store, applied, overlapped: () => overlapped };
}

beforeAll(async () => {
  nats = await startTestNats();
  bus = await connectBus({ url: nats.url, name: 'status-writer-flow', log: noopLogger });
  await ensureTopology(bus.jsm, {
    replicas: 1,
    duplicateWindowMs: 120_000,
    maxBacklogBytes: 1024 ** 3,
    connectorAckWaitMs: 30_000,
    carriers: [{ id: CARRIER, binds: 1, window: 10 }],
  });
});

afterAll(async () => {
  await writer?.stop();
  await bus?.close();
  await nats?.destroy();
});

describe('status writer flow control', () => {
  it('holds a bounded number of messages while the database lags, and applies every one', async () => {
    const slow = slowStore();
    writer = await startStatusWriter({
      store: slow.store,
      sources: await openStatusSources(bus, createDeadLetterSink({ publisher: createPublisher(bus), log: noopLogger }), noopLogger, BATCH),
      metrics: createStatusMetrics(new Registry()),
      log: noopLogger,
      batchSize: BATCH,
      maxWaitMs: 10,
    });

    let maxPending = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const info = await bus.jsm.consumers.info(Streams.events, Durables.statusWriter);
        maxPending = Math.max(maxPending, info.num_ack_pending);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    // Paced below one batch per flush interval, so batches are sealed by the timer rather than by size: the case
    // in which nothing but the writer's own bound stops it from taking everything JetStream offers.
    const ids: string[] = [];
    for (let i = 0; i < MESSAGES; i += 20) {
      const acks = [];
      for (let k = i; k < i + 20; k++) {
        const id = randomUUID();
        ids.push(id);
        const mt: MtMessage = { id, clientId: 'c', carrier: CARRIER, to: '+447700900000', from: 'ACME', text: `m${k}`, encoding: 'gsm7', segments: 1, acceptedAt: Date.now() };
        acks.push(bus.js.publish(Subjects.accepted, encodeEvents([acceptedFromMt(mt)]), { msgID: id }));
      }
      await Promise.all(acks);
      await new Promise((r) => setTimeout(r, 10));
    }

    const deadline = Date.now() + 60_000;
    while (new Set(slow.applied).size < MESSAGES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    sampling = false;
    await sampler;

    console.log(`[status writer flow] at most ${maxPending} messages held while the store lagged; ${slow.applied.length} applied`);
    expect(new Set(slow.applied)).toEqual(new Set(ids));
    // Pull buffer (100) + the batch being gathered + one committing + one sealed behind it.
    expect(maxPending).toBeLessThanOrEqual(100 + 3 * BATCH + 20);
    expect(maxPending).toBeGreaterThan(0);
    expect(slow.overlapped()).toBe(false);
  });
});
