/**
 * The callback backlog as an operator sees it (real nats-server, PostgreSQL, an edge and a callback worker in their
 * own processes): changes stored in SMS_CHANGES while no worker runs show on the edge's /metrics, which reads the
 * callbacks consumer itself, so the backlog is there precisely when no worker is; once a worker starts and calls them
 * back it falls to zero, and the worker's delivery latency counts the time the changes waited for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeInboundChange } from '../../internal/bus/codec-changes.js';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { Subjects } from '../../internal/bus/subjects.js';
import { noopLogger } from '../../internal/log/logger.js';
import { spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { parseSamples, sampleSum, type Sample } from '../support/promql.js';
import { createTestDatabase } from '../support/postgres.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const API_KEY = 'callback-backlog-key-0123456789';
const CHANGES = 6;
/** The edge reads the consumer every 5 s; a deadline many readings long, so a slow machine only waits longer. */
const DEADLINE_MS = 60_000;

describe('callback backlog gauge', () => {
  let nats: TestNats;
  let db: { url: string; drop(): Promise<void> };
  let dir: ReturnType<typeof tempDir>;
  let receiver: WebhookReceiver;
  let bus: Bus;
  let configPath: string;
  const procs: GatewayProcess[] = [];

  const samplesOf = async (p: GatewayProcess): Promise<Sample[]> => parseSamples(await (await fetch(`${p.baseUrl}/metrics`)).text());
  /** A gauge's value, or undefined while the process does not export it (a 0 must be a reading, not an absence). */
  const gauge = (samples: readonly Sample[], name: string): number | undefined => (samples.some((s) => s.name === name) ? sampleSum(samples, name) : undefined);
  const backlogOf = async (edge: GatewayProcess) => {
    const s = await samplesOf(edge);
    return { waiting: gauge(s, 'smsmesh_callback_backlog_messages'), taken: gauge(s, 'smsmesh_callback_ack_pending_messages') };
  };

  beforeAll(async () => {
    dir = tempDir('smsmesh-callback-backlog-');
    nats = await startTestNats();
    db = await createTestDatabase();
    receiver = await startWebhookReceiver();
    configPath = writeConfig(dir.path, {
      apiKey: API_KEY,
      // No connector runs: nothing here is sent, only called back.
      carriers: [{ id: 'uk', prefixes: ['+44'], port: 9 }],
      client: { callbackUrl: receiver.url },
      sections: { callbacks: { allowPrivateTargets: true } },
    });
    bus = await connectBus({ url: nats.url, name: 'callback-backlog-test', log: noopLogger });
  });

  afterAll(async () => {
    for (const p of procs) await p.kill();
    await bus?.close();
    await receiver?.close();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  it('rises on an edge while no worker runs, falls to zero once one has called every change back', async () => {
    const common = { configPath, natsUrl: nats.url, dataDir: dir.path, logDir: dir.path };
    const edge = await spawnGateway({ ...common, entry: 'edge', http: true, name: 'edge' });
    procs.push(edge);
    await waitFor('the edge\'s first reading', async () => (await backlogOf(edge)).waiting === 0, DEADLINE_MS, 250);

    // Inbound messages as the MO writer stores them, for a client with a callbackUrl: one bus message each.
    for (let i = 0; i < CHANGES; i++) {
      const change = { type: 'message.inbound', client: 'test-client', id: `mo-${i}`, from: '+447700900100', to: '12345', text: `hi ${i}`, encoding: 'gsm7', parts: 1, carrier: 'uk', receivedAt: new Date().toISOString() } as const;
      await bus.js.publish(Subjects.inboundChanges, encodeInboundChange(change), { msgID: `in-mo-${i}` });
    }
    const lastStored = Date.now();
    const waiting = await waitFor('the backlog on the edge', async () => {
      const b = await backlogOf(edge);
      return b.waiting === CHANGES ? b : undefined;
    }, DEADLINE_MS, 250);
    expect(waiting.taken).toBe(0);
    expect(receiver.received).toHaveLength(0);

    const workerStarting = Date.now();
    const worker = await spawnGateway({ ...common, entry: 'callbacks', databaseUrl: db.url, name: 'callbacks' });
    procs.push(worker);
    await waitFor('every change called back', async () => receiver.delivered().size === CHANGES, DEADLINE_MS, 100);
    await waitFor('an empty backlog on the edge', async () => {
      const b = await backlogOf(edge);
      return b.waiting === 0 && b.taken === 0;
    }, DEADLINE_MS, 250);

    // Each callback counts from its change being stored, before the worker even started.
    const w = await samplesOf(worker);
    const delivered = sampleSum(w, 'smsmesh_callback_delivery_latency_seconds_count');
    expect(delivered).toBe(CHANGES);
    expect(sampleSum(w, 'smsmesh_callback_delivery_latency_seconds_sum') / delivered).toBeGreaterThanOrEqual((workerStarting - lastStored) / 1000);
  });
});
