/**
 * Idempotency-Key under concurrency across edges: 50 identical requests with one key, fired at once and spread over
 * two edge processes (real nats-server, a connector bound to the SMSC simulator over TCP) leave one message in
 * SMS_MT and one at the SMSC; every answer is that message's 202 or a 409 "still in flight", never a second id.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Durables, Streams } from '../../internal/bus/subjects.js';
import { startSmscSimulator, type SimulatedSubmit, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';

const API_KEY = 'idem-edges-key-0123456789';
const auth = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

describe('Idempotency-Key across two edges', () => {
  let nats: TestNats;
  let smsc: SmscSimulator;
  let dir: ReturnType<typeof tempDir>;
  let nc: NatsConnection;
  const procs: GatewayProcess[] = [];
  const edges: GatewayProcess[] = [];
  const submits: SimulatedSubmit[] = [];

  beforeAll(async () => {
    dir = tempDir('smsmesh-idem-');
    nats = await startTestNats();
    smsc = await startSmscSimulator({ port: 0 });
    smsc.onSubmit((s) => submits.push(s));
    const configPath = writeConfig(dir.path, { apiKey: API_KEY, carriers: [{ id: 'uk', prefixes: ['+44'], port: smsc.port, binds: 2 }] });
    const common = { configPath, natsUrl: nats.url, dataDir: dir.path, logDir: dir.path };
    for (const name of ['edge-a', 'edge-b']) {
      const e = await spawnGateway({ ...common, entry: 'edge', http: true, name });
      procs.push(e);
      edges.push(e);
    }
    procs.push(await spawnGateway({ ...common, entry: 'connector', name: 'connector' }));
    nc = await connect({ servers: nats.url });
  }, 120_000);

  afterAll(async () => {
    await nc?.close();
    for (const p of procs) await p.kill();
    await smsc?.close();
    await nats?.destroy();
    dir?.remove();
  });

  async function post(edge: GatewayProcess, key: string, text: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const r = await fetch(`${edge.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { ...auth, 'Idempotency-Key': key },
      body: JSON.stringify({ from: 'ACME', to: '+447700900123', text }),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  }

  it('50 concurrent identical requests over two edges: one message stored, one submitted, one id', async () => {
    const key = `order-${Date.now()}`;
    const text = `once across edges ${key}`;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post(edges[i % 2]!, key, text)));

    const accepted = answers.filter((a) => a.status === 202);
    const inFlight = answers.filter((a) => a.status === 409);
    expect(accepted.length + inFlight.length, JSON.stringify(answers.filter((a) => a.status !== 202 && a.status !== 409))).toBe(50);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    const ids = new Set(accepted.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    for (const c of inFlight) expect(c.body).toMatchObject({ status: 409 });
    const [id] = [...ids] as string[];

    // Once the first request has finished, a retry on either edge gets the same answer.
    for (const edge of edges) {
      const again = await post(edge, key, text);
      expect(again.status).toBe(202);
      expect(again.body.id).toBe(id);
    }

    // The stream holds exactly one message, and the connector took it and acked it: the SMSC saw it once.
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(Streams.mt)).state.last_seq).toBe(1);
    await waitFor('submitted and acked', async () => {
      const c = await jsm.consumers.info(Streams.mt, Durables.connector('uk'));
      return c.num_pending === 0 && c.num_ack_pending === 0 && c.delivered.stream_seq === 1;
    }, 30_000);
    expect(submits.filter((s) => s.shortMessage.toString('latin1') === text)).toHaveLength(1);
  }, 90_000);

  it('the same key with another body is refused on both edges while the first message stands', async () => {
    const key = `order-b-${Date.now()}`;
    const first = await post(edges[0]!, key, 'first body');
    expect(first.status).toBe(202);
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info(Streams.mt)).state.last_seq;
    const others = await Promise.all(Array.from({ length: 20 }, (_, i) => post(edges[i % 2]!, key, `other body ${i}`)));
    for (const o of others) {
      expect(o.status).toBe(422);
      expect(o.body).toMatchObject({ status: 422 });
    }
    expect((await jsm.streams.info(Streams.mt)).state.last_seq).toBe(before);
  }, 60_000);
});
