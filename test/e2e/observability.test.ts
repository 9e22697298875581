/**
 * The dashboard and the alert rules watch what a running gateway exports: an edge, a connector, a status writer and
 * a callback worker (separate processes, real NATS, PostgreSQL and the SMSC simulator; the carrier limited to one
 * bind-slot lease and a sender rate, so that the carrier-wide limits report too) carry some traffic — delivered
 * messages with their callbacks, a throttling episode, a permanent rejection, refused requests, a dead letter, a
 * send over the NATS API, an inbound STOP and a send it refuses — and then every metric name used by a panel of
 * deploy/grafana/smsmesh.json or a rule of deploy/prometheus/alerts.yaml must have a sample on a live /metrics
 * scrape of one of them. The new per-bind, per-client, per-carrier and status-writer metrics must also say what
 * happened.
 */
import { headers as natsHeaders } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { noopLogger } from '../../internal/log/logger.js';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { pool, spawnGateway, tempDir, waitAllDelivered, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { alertQueries, dashboardQueries, readDashboard } from '../support/observability-files.js';
import { freePort } from '../support/ports.js';
import { createTestDatabase } from '../support/postgres.js';
import { metricFamily, parseSamples, promqlMetrics, sampledSeries, sampleSum, type Sample } from '../support/promql.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const API_KEY = 'observability-key-0123456789';
const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };
const DELIVERED = 20;

describe('metrics on a live gateway', () => {
  let nats: TestNats;
  let db: { url: string; drop(): Promise<void> };
  let dir: ReturnType<typeof tempDir>;
  let smsc: SmscSimulator;
  let bus: Bus;
  const procs: GatewayProcess[] = [];
  let edge: GatewayProcess;
  let connector: GatewayProcess;
  let writer: GatewayProcess;
  let callbacks: GatewayProcess;
  let receiver: WebhookReceiver;

  const scrape = async (p: GatewayProcess): Promise<string> => {
    const r = await fetch(`${p.baseUrl}/metrics`);
    expect(r.status).toBe(200);
    return r.text();
  };
  const samplesOf = async (p: GatewayProcess): Promise<Sample[]> => parseSamples(await scrape(p));
  const send = async (to: string, text = 'hello'): Promise<Response> =>
    fetch(`${edge.baseUrl}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ to, from: 'ACME', text }) });

  beforeAll(async () => {
    dir = tempDir('smsmesh-observability-');
    nats = await startTestNats();
    db = await createTestDatabase();
    smsc = await startSmscSimulator({ host: '127.0.0.1', port: await freePort() });
    receiver = await startWebhookReceiver();
    const configPath = writeConfig(dir.path, {
      apiKey: API_KEY,
      // maxBinds makes the carrier coordinated (leases, throttle signals); no send here is from the paced sender.
      carriers: [{ id: 'uk', prefixes: ['+44'], port: smsc.port, maxBinds: 1, senderTps: [{ sender: '^LONG', tps: 1 }] }],
      client: { callbackUrl: receiver.url },
      sections: { callbacks: { allowPrivateTargets: true }, inbound: { defaultClient: 'test-client' } },
    });
    const common = { configPath, natsUrl: nats.url, dataDir: dir.path, logDir: dir.path };
    writer = await spawnGateway({ ...common, entry: 'status-writer', databaseUrl: db.url, name: 'writer' });
    procs.push(writer);
    connector = await spawnGateway({ ...common, entry: 'connector', name: 'connector' });
    procs.push(connector);
    edge = await spawnGateway({ ...common, entry: 'edge', http: true, databaseUrl: db.url, name: 'edge' });
    procs.push(edge);
    callbacks = await spawnGateway({ ...common, entry: 'callbacks', databaseUrl: db.url, name: 'callbacks' });
    procs.push(callbacks);
    for (const p of procs) await waitFor(`${p.baseUrl} ready`, async () => (await fetch(`${p.baseUrl}/readyz`)).ok, 60_000);
    await waitFor('a bind up', async () => (await fetch(`${edge.baseUrl}/readyz/carriers`)).ok, 60_000, 250);
    bus = await connectBus({ url: nats.url, name: 'observability-test', log: noopLogger });
  });

  afterAll(async () => {
    for (const p of procs) await p.kill();
    await bus?.close();
    await smsc?.close();
    await receiver?.close();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  it('carries traffic, throttling, a rejection, refused requests and a dead letter, and counts each', async () => {
    const ids = await pool(Array.from({ length: DELIVERED }, (_, i) => i), 5, async (i) => {
      const r = await send(`+4477009${String(i).padStart(5, '0')}`);
      expect(r.status).toBe(202);
      return ((await r.json()) as { id: string }).id;
    });
    await waitAllDelivered(edge.baseUrl, headers, ids, 120_000);

    // The same front door over NATS.
    const h = natsHeaders();
    h.set('Authorization', `Bearer ${API_KEY}`);
    const viaNats = await bus.nc.request('sms.api.v1.send', new TextEncoder().encode(JSON.stringify({ to: '+447700900900', from: 'ACME', text: 'over NATS' })), { headers: h, timeout: 10_000 });
    expect(viaNats.headers?.get('Smsmesh-Status')).toBe('202');
    await waitAllDelivered(edge.baseUrl, headers, [(JSON.parse(new TextDecoder().decode(viaNats.data)) as { id: string }).id], 60_000);

    // Refused by the edge: a bad number, and a destination no carrier serves.
    expect((await send('12345')).status).toBe(400);
    expect((await send('+3361234567')).status).toBe(422);

    // The SMSC throttles every submit until the bind has cut its rate at least once.
    smsc.setBehaviour({ throttleShare: 1 });
    expect((await send('+447700900901')).status).toBe(202);
    await waitFor('a throttle episode', async () => sampleSum(await samplesOf(connector), 'smsmesh_bind_throttle_episodes_total', { carrier: 'uk', cause: 'throttle' }) >= 1, 60_000, 250);
    // Then refuses permanently: the throttled message and the next end rejected.
    smsc.setBehaviour({ throttleShare: 0, rejectShare: 1 });
    expect((await send('+447700900902')).status).toBe(202);
    await waitFor('two rejections', async () => sampleSum(await samplesOf(connector), 'smsmesh_connector_final_failures_total', { carrier: 'uk', status: 'rejected' }) >= 2, 60_000, 250);
    smsc.setBehaviour({ rejectShare: 0 });

    // Something that is no MT message, published straight to the carrier's subject: the connector dead-letters it.
    await bus.js.publish('sms.mt.uk', new TextEncoder().encode('not a message'));
    await waitFor('a dead letter', async () => sampleSum(await samplesOf(connector), 'smsmesh_dead_letters_total', { stream: 'SMS_MT', reason: 'undecodable', carrier: 'uk' }) === 1, 60_000, 250);
    // The throttled bind told the carrier's other binds (its own process hears the signal too).
    expect(sampleSum(await samplesOf(connector), 'smsmesh_carrier_throttle_signals_total', { carrier: 'uk', direction: 'sent' })).toBeGreaterThanOrEqual(1);

    const e = await samplesOf(edge);
    expect(sampleSum(e, 'smsmesh_client_messages_accepted_total', { client: 'test-client' })).toBe(DELIVERED + 3);
    expect(sampleSum(e, 'smsmesh_nats_api_request_duration_seconds_count', { endpoint: 'send', status: '202' })).toBe(1);
    expect(sampleSum(e, 'smsmesh_client_messages_accepted_total', { client: 'other-client' })).toBe(0);
    expect(sampleSum(e, 'smsmesh_client_messages_rejected_total', { client: 'test-client', reason: 'invalidRequest' })).toBe(1);
    expect(sampleSum(e, 'smsmesh_client_messages_rejected_total', { client: 'test-client', reason: 'noRoute' })).toBe(1);

    const c = await samplesOf(connector);
    expect(sampleSum(c, 'smsmesh_bind_state', { carrier: 'uk', bind: '1', state: 'bound' })).toBe(1);
    expect(sampleSum(c, 'smsmesh_bind_state', { carrier: 'uk', bind: '1' })).toBe(1);
    expect(sampleSum(c, 'smsmesh_bind_window_size', { carrier: 'uk', bind: '1' })).toBe(20);
    expect(sampleSum(c, 'smsmesh_bind_tps_configured', { carrier: 'uk', bind: '1' })).toBe(5000);
    expect(sampleSum(c, 'smsmesh_bind_tps_allowed', { carrier: 'uk', bind: '1' })).toBeGreaterThan(0);
    // Every submit_sm_resp is observed once: the delivered ones, the throttled answers and the rejections (a timeout
    // or a closed session has no response to time).
    const answered =
      sampleSum(c, 'smsmesh_submit_outcomes_total', { carrier: 'uk' }) -
      sampleSum(c, 'smsmesh_submit_outcomes_total', { carrier: 'uk', outcome: 'timeout' }) -
      sampleSum(c, 'smsmesh_submit_outcomes_total', { carrier: 'uk', outcome: 'closed' });
    expect(sampleSum(c, 'smsmesh_bind_submit_response_seconds_count', { carrier: 'uk', bind: '1' })).toBe(answered);
    expect(sampleSum(c, 'smsmesh_bind_submit_response_seconds_count', { carrier: 'uk', bind: '1' })).toBeGreaterThanOrEqual(DELIVERED + 4);

    // Queue readings come every 5 s: the edge's backlog and the writer's lag settle at zero once all is done.
    await waitFor(
      'an empty backlog and nothing unapplied',
      async () => {
        const [eq, wq] = [await samplesOf(edge), await samplesOf(writer)];
        return (
          sampleSum(eq, 'smsmesh_carrier_backlog_messages', { carrier: 'uk' }) === 0 &&
          sampleSum(eq, 'smsmesh_carrier_ack_pending_messages', { carrier: 'uk' }) === 0 &&
          sampleSum(wq, 'smsmesh_status_unapplied_events') === 0 &&
          sampleSum(wq, 'smsmesh_status_lag_seconds') === 0
        );
      },
      60_000,
      500,
    );
    const w = await samplesOf(writer);
    expect(sampleSum(w, 'smsmesh_status_batch_size_count')).toBeGreaterThan(0);
    expect(sampleSum(w, 'smsmesh_messages_persisted_total', { status: 'delivered' })).toBe(DELIVERED + 1);
  });

  it('counts an inbound STOP, the send it refuses, and the callbacks', async () => {
    const phone = '+447700900777';
    await smsc.sendMo({ from: phone, to: '12345', text: 'STOP' });
    await waitFor(
      'the opt-out to reach the edge',
      async () => {
        const r = await fetch(`${edge.baseUrl}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ to: phone, from: '12345', text: 'offer' }) });
        return r.status === 422;
      },
      30_000,
      250,
    );
    const e = await samplesOf(edge);
    expect(sampleSum(e, 'smsmesh_client_messages_rejected_total', { client: 'test-client', reason: 'optedOut' })).toBe(1);
    expect(sampleSum(e, 'smsmesh_opt_out_entries')).toBe(1);
    // The writer counts the message once its opt-out and its change are out, which the edge may see first.
    const w = await waitFor('the inbound message counted', async () => {
      const s = await samplesOf(writer);
      return sampleSum(s, 'smsmesh_inbound_messages_total', { routed: 'true' }) === 1 ? s : undefined;
    }, 10_000, 100);
    expect(sampleSum(w, 'smsmesh_inbound_messages_total', { routed: 'false' })).toBe(0);
    expect(sampleSum(w, 'smsmesh_opt_out_keywords_total', { action: 'opt_out' })).toBe(1);
    const c = await samplesOf(connector);
    expect(sampleSum(c, 'smsmesh_inbound_total', { carrier: 'uk' })).toBe(1);
    expect(sampleSum(c, 'smsmesh_carrier_leases_held', { carrier: 'uk' })).toBe(1);

    // Every message that reached a final state is called back, the STOP too (message.inbound).
    const cb = await waitFor(
      'the callbacks delivered',
      async () => {
        const s = await samplesOf(callbacks);
        const made = sampleSum(s, 'smsmesh_callbacks_made_total');
        const inbound = sampleSum(s, 'smsmesh_callbacks_made_total', { type: 'message.inbound' });
        if (inbound === 1 && receiver.delivered().size === made) return s;
        // Said when the wait runs out, so that a failure shows which count was off.
        throw new Error(`${made} callbacks made (${inbound} inbound), ${receiver.delivered().size} delivered, ${receiver.received.length} requests received`);
      },
      60_000,
      250,
    );
    expect(sampleSum(cb, 'smsmesh_callbacks_made_total', { type: 'message.status' })).toBeGreaterThanOrEqual(DELIVERED + 3);
    const delivered = sampleSum(cb, 'smsmesh_callback_attempts_total', { outcome: 'delivered' });
    expect(delivered).toBeGreaterThanOrEqual(receiver.delivered().size);
    expect(sampleSum(cb, 'smsmesh_callback_delivery_latency_seconds_count')).toBe(delivered);
    expect(sampleSum(cb, 'smsmesh_callbacks_failed_total')).toBe(0);
  });

  it('has a sample of every metric a dashboard panel or an alert rule uses', async () => {
    // prom-client observes garbage collections from its start on: a quiet process may not have had one yet.
    await waitFor(
      'a garbage collection in the edge',
      async () => {
        await pool(Array.from({ length: 50 }, (_, i) => i), 5, async () => (await fetch(`${edge.baseUrl}/v1/messages?limit=100`, { headers })).text());
        return sampleSum(await samplesOf(edge), 'smsmesh_process_nodejs_gc_duration_seconds_count') > 0;
      },
      60_000,
      100,
    );
    const live = new Set<string>();
    for (const p of [edge, connector, writer, callbacks]) for (const s of sampledSeries(await scrape(p))) live.add(s);
    const queries = [...dashboardQueries(readDashboard()), ...alertQueries()];
    expect(queries.length).toBeGreaterThan(40);
    const missing: string[] = [];
    for (const q of queries) {
      const { metrics, error } = promqlMetrics(q.expr);
      expect(error, q.where).toBeUndefined();
      for (const m of metrics) if (!live.has(m) && ![...live].some((s) => metricFamily(s) === metricFamily(m))) missing.push(`${q.where}: ${m}`);
    }
    expect(missing).toEqual([]);
  });
});
