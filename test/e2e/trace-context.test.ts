/**
 * One message's W3C traceparent through the logs of every process: an edge, a connector and a status writer
 * (separate processes at LOG_LEVEL=debug, real NATS, PostgreSQL and the SMSC simulator). A client's traceparent
 * (HTTP header or NATS header) is continued — same trace id, the edge's own span id — and a message without one
 * gets a new trace; a held message (sendAt) keeps its trace through the scheduler. Every log line that names the
 * message carries the same traceparent; the submit_sm_resp line links it to the SMSC's id, which the receipt
 * lines of the connector and the status writer carry.
 */
import { readFileSync } from 'node:fs';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTraceparent } from '../../internal/core/trace-context.js';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { spawnGateway, tempDir, waitAllDelivered, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { freePort } from '../support/ports.js';
import { createTestDatabase } from '../support/postgres.js';

const API_KEY = 'trace-key-0123456789abcdef';
const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };
const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const NATS_TRACE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

type Line = { msg: string; messageId?: string; traceparent?: string; smscMessageId?: string; kind?: string; matched?: boolean };

function lines(file: string): Line[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
}

describe('traceparent through the logs', () => {
  let nats: TestNats;
  let db: { url: string; drop(): Promise<void> };
  let dir: ReturnType<typeof tempDir>;
  let smsc: SmscSimulator;
  let nc: NatsConnection;
  const procs: GatewayProcess[] = [];
  let edge: GatewayProcess;
  let connector: GatewayProcess;
  let writer: GatewayProcess;

  beforeAll(async () => {
    dir = tempDir('smsmesh-trace-');
    nats = await startTestNats();
    db = await createTestDatabase();
    smsc = await startSmscSimulator({ host: '127.0.0.1', port: await freePort() });
    const configPath = writeConfig(dir.path, { apiKey: API_KEY, carriers: [{ id: 'uk', prefixes: ['+44'], port: smsc.port }] });
    const common = { configPath, natsUrl: nats.url, dataDir: dir.path, logDir: dir.path, env: { LOG_LEVEL: 'debug' } };
    writer = await spawnGateway({ ...common, entry: 'status-writer', databaseUrl: db.url, name: 'writer' });
    procs.push(writer);
    connector = await spawnGateway({ ...common, entry: 'connector', name: 'connector' });
    procs.push(connector);
    edge = await spawnGateway({ ...common, entry: 'edge', http: true, databaseUrl: db.url, name: 'edge' });
    procs.push(edge);
    for (const p of procs) await waitFor(`${p.baseUrl} ready`, async () => (await fetch(`${p.baseUrl}/readyz`)).ok, 60_000);
    await waitFor('a bind up', async () => (await fetch(`${edge.baseUrl}/readyz/carriers`)).ok, 60_000, 250);
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    for (const p of procs) await p.kill();
    await nc?.close();
    await smsc?.close();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  it('follows each message from the edge through the connector and the status writer to its receipt', async () => {
    const post = async (body: object, extra: Record<string, string> = {}): Promise<string> => {
      const r = await fetch(`${edge.baseUrl}/v1/messages`, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) });
      expect(r.status).toBe(202);
      return ((await r.json()) as { id: string }).id;
    };
    const withClientTrace = await post({ to: '+447700900001', from: 'ACME', text: 'traced' }, { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` });
    const withoutTrace = await post({ to: '+447700900002', from: 'ACME', text: 'not traced by the client' });
    const held = await post({ to: '+447700900003', from: 'ACME', text: 'held', sendAt: new Date(Date.now() + 3000).toISOString() }, { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` });
    const malformed = await post({ to: '+447700900004', from: 'ACME', text: 'bad header' }, { traceparent: 'not-a-traceparent' });
    const h = natsHeaders();
    h.set('Authorization', `Bearer ${API_KEY}`);
    h.set('traceparent', `00-${NATS_TRACE}-${CLIENT_SPAN}-00`);
    const m = await nc.request('sms.api.v1.send', new TextEncoder().encode(JSON.stringify({ to: '+447700900005', from: 'ACME', text: 'over NATS' })), { headers: h, timeout: 10_000 });
    const overNats = (JSON.parse(new TextDecoder().decode(m.data)) as { id: string }).id;
    const ids = [withClientTrace, withoutTrace, held, malformed, overNats];
    await waitAllDelivered(edge.baseUrl, { Authorization: headers.Authorization }, ids, 120_000);

    const expectedTrace: Record<string, string | undefined> = {
      [withClientTrace]: CLIENT_TRACE,
      [held]: CLIENT_TRACE,
      [overNats]: NATS_TRACE,
      [withoutTrace]: undefined,
      [malformed]: undefined,
    };
    // The status writer's lines for the receipts come last; wait until each message has its receipt line there.
    let logs: { edge: Line[]; connector: Line[]; writer: Line[] } = { edge: [], connector: [], writer: [] };
    const traceOf = (id: string) => logs.edge.find((l) => l.messageId === id && l.msg === 'message accepted')?.traceparent;
    const smscIdOf = (id: string) => logs.connector.find((l) => l.messageId === id && l.msg === 'submit_sm_resp')?.smscMessageId;
    await waitFor(
      'every message followed to a matched receipt in the status writer log',
      async () => {
        logs = { edge: lines(edge.logFile), connector: lines(connector.logFile), writer: lines(writer.logFile) };
        return ids.every((id) => {
          const smsc = smscIdOf(id);
          return smsc !== undefined && logs.writer.some((l) => l.kind === 'receipt' && l.smscMessageId === smsc && l.matched === true);
        });
      },
      30_000,
      250,
    );

    const traceIds = new Set<string>();
    for (const id of ids) {
      const tp = traceOf(id);
      expect(tp, `edge line for ${id}`).toBeDefined();
      const parsed = parseTraceparent(tp)!;
      expect(parsed, tp).toBeDefined();
      traceIds.add(parsed.traceId);
      if (expectedTrace[id]) {
        expect(parsed.traceId).toBe(expectedTrace[id]);
        // The edge's own span within the caller's trace.
        expect(parsed.parentId).not.toBe(CLIENT_SPAN);
      }
      // Every line naming the message, in every process, carries the same traceparent.
      for (const [proc, ls] of Object.entries(logs)) {
        const about = ls.filter((l) => l.messageId === id);
        for (const l of about) expect(l.traceparent, `${proc}: "${l.msg}" about ${id}`).toBe(tp);
      }
      const said = (ls: Line[]) => ls.filter((l) => l.messageId === id).map((l) => (l.kind ? `${l.msg}:${l.kind}` : l.msg));
      expect(said(logs.edge)).toContain('message accepted');
      expect(said(logs.connector)).toEqual(expect.arrayContaining(['submitting', 'submit_sm_resp']));
      expect(said(logs.writer)).toEqual(expect.arrayContaining(['status event committed:accepted', 'status event committed:submitted']));
      // The receipt is known by the SMSC's id, which the submit_sm_resp line ties to the message and its trace.
      const smscId = smscIdOf(id)!;
      expect(logs.connector.some((l) => l.msg === 'receipt stored' && l.smscMessageId === smscId)).toBe(true);
      expect(logs.writer.some((l) => l.kind === 'submitted' && l.smscMessageId === smscId && l.traceparent === tp)).toBe(true);
    }
    // The held message was released by the scheduler with its trace.
    expect(logs.connector.some((l) => l.msg === 'held message released' && l.messageId === held && l.traceparent === traceOf(held))).toBe(true);
    // Two traces chosen by clients, one each for the two messages without a valid header.
    expect(traceIds.size).toBe(4);
  });
});
