/**
 * Each hop of a message measured alone, at its floor: the least code that does the hop's work, driven as fast as it
 * goes, with the CPU of both sides read from the kernel (this process or its child for the gateway's side, the
 * server's process for the other). What the gateway pays above these figures is its own logic; what the design pays
 * in all is the hops it takes per message (hop-floor.ts).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AckPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import postgres from 'postgres';
import { decodeEvents, encodeEvents } from '../../internal/bus/codec.js';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { createPublisher } from '../../internal/bus/publisher.js';
import { newMessageId } from '../../internal/core/ids.js';
import { openDatabase } from '../../internal/db/client.js';
import { noopLogger } from '../../internal/log/logger.js';
import type { AcceptedEvent } from '../../internal/sms/events.js';
import { bindSession } from '../../internal/smpp/client.js';
import { shortMessageFields } from '../../internal/smpp/pdu.js';
import { startNatsServer } from '../devstack/nats-process.js';
import { killOnExit } from '../shared/exit-guard.js';
import { createBenchDatabase } from './bench-database.js';
import type { HopCost } from './hop-floor.js';
import { cpuSecondsOf } from './process-stats.js';
import { startSimProcess } from './sim-process.js';
import { freePort } from './stack.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** CPU seconds of a process so far (from /proc), or of this process. */
function cpuOf(pid: number | 'self'): number {
  if (pid === 'self') {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  return cpuSecondsOf(pid);
}

async function measure(pids: { gateway: number | 'self'; server?: number }, work: () => Promise<void>): Promise<{ gatewayS: number; serverS: number; wallS: number }> {
  const g0 = cpuOf(pids.gateway);
  const s0 = pids.server ? cpuOf(pids.server) : 0;
  const t0 = performance.now();
  await work();
  return { gatewayS: cpuOf(pids.gateway) - g0, serverS: pids.server ? cpuOf(pids.server) - s0 : 0, wallS: (performance.now() - t0) / 1000 };
}

const body = (i: number) => JSON.stringify({ to: `+4477${String(i).padStart(8, '0')}`, from: 'ACME', text: `Your code is ${100000 + (i % 900000)}` });

/** Runs `n` tasks with at most `concurrency` at once. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

async function httpHop(n: number): Promise<HopCost> {
  const child = fork(join(HERE, 'hop-http-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  killOnExit(child);
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const post = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const data = body(i);
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/messages', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(data);
    });
  await pool(1000, 32, post); // warm-up: connections and JIT
  const m = await measure({ gateway: child.pid! }, () => pool(n, 64, post));
  agent.destroy();
  child.send('stop');
  await new Promise((r) => child.once('exit', r));
  return { hop: 'http', unit: 'request', units: n, gatewayS: m.gatewayS, serverS: 0, server: 'none' };
}

async function jetStreamHops(bus: Bus, natsPid: number, n: number): Promise<HopCost[]> {
  const publisher = createPublisher(bus);
  await bus.jsm.streams.add({ name: 'HOP_MT', subjects: ['hop.mt.>'], storage: StorageType.File, retention: RetentionPolicy.Workqueue, duplicate_window: 120e9 });
  await bus.jsm.consumers.add('HOP_MT', { durable_name: 'hop', ack_policy: AckPolicy.Explicit, max_ack_pending: 10_000 });
  const mt = (i: number) => Buffer.from(JSON.stringify({ id: newMessageId(), clientId: 'bench', carrier: 'sim', ...JSON.parse(body(i)), encoding: 'gsm7', segments: 1, acceptedAt: Date.now() }));
  const store = await measure({ gateway: 'self', server: natsPid }, () =>
    pool(n, 500, async (i) => {
      const data = mt(i);
      await publisher.publish('hop.mt.sim', data, { msgID: `hop-${i}`, deadlineMs: 10_000 });
    }),
  );
  const consumer = await bus.js.consumers.get('HOP_MT', 'hop');
  const consume = await measure({ gateway: 'self', server: natsPid }, async () => {
    let got = 0;
    while (got < n) {
      const batch = await consumer.fetch({ max_messages: 100, expires: 2000 });
      for await (const m of batch) {
        m.ack();
        got++;
      }
    }
  });
  await bus.jsm.streams.add({ name: 'HOP_EVENTS', subjects: ['hop.evt.>'], storage: StorageType.File, retention: RetentionPolicy.Workqueue });
  await bus.jsm.consumers.add('HOP_EVENTS', { durable_name: 'hop', ack_policy: AckPolicy.Explicit });
  const perMessage = 200;
  const batches = Math.ceil(n / perMessage);
  const event = (i: number): AcceptedEvent => ({ kind: 'accepted', message: { id: newMessageId(), clientId: 'bench', carrier: 'sim', to: `+4477${String(i).padStart(8, '0')}`, from: 'ACME', encoding: 'gsm7', segments: 1, acceptedAt: Date.now() } });
  const events = await measure({ gateway: 'self', server: natsPid }, async () => {
    await pool(batches, 20, async (b) => {
      const data = encodeEvents(Array.from({ length: perMessage }, (_, k) => event(b * perMessage + k)));
      await publisher.publish('hop.evt.sim', data, { msgID: `evt-${b}`, deadlineMs: 10_000 });
    });
    const c = await bus.js.consumers.get('HOP_EVENTS', 'hop');
    let got = 0;
    while (got < batches) {
      const batch = await c.fetch({ max_messages: 10, expires: 2000 });
      for await (const m of batch) {
        decodeEvents(m.data);
        m.ack();
        got++;
      }
    }
  });
  return [
    { hop: 'js-store', unit: 'message stored and acknowledged', units: n, ...pick(store), server: 'nats-server' },
    { hop: 'js-consume', unit: 'message delivered and acked', units: n, ...pick(consume), server: 'nats-server' },
    { hop: 'events', unit: `event (${perMessage} per bus message, published and consumed)`, units: batches * perMessage, ...pick(events), server: 'nats-server' },
  ];
}

const pick = (m: { gatewayS: number; serverS: number }) => ({ gatewayS: m.gatewayS, serverS: m.serverS });

async function smppHop(n: number): Promise<HopCost> {
  const sim = await startSimProcess({ port: 0 });
  let receipts = 0;
  let allIn: () => void = () => {};
  const done = new Promise<void>((r) => (allIn = r));
  const session = await bindSession({
    host: '127.0.0.1',
    port: sim.port,
    mode: 'transceiver',
    systemId: 'bench',
    password: 'bench',
    session: { windowSize: 100, responseTimeoutMs: 10_000, enquireLinkIntervalMs: 0, enquireLinkTimeoutMs: 0 },
    onRequest: () => {
      if (++receipts === n) allIn();
      return { status: 0 };
    },
  });
  const submit = (i: number) =>
    session.request({ command: 'submit_sm', ...shortMessageFields({ sourceAddr: 'ACME', destinationAddr: `4477${String(i).padStart(8, '0')}`, registeredDelivery: 1, shortMessage: Buffer.from(`Your code is ${i}`) }) }).then(() => undefined);
  const m = await measure({ gateway: 'self', server: sim.pid }, async () => {
    await pool(n, 100, submit);
    await done;
  });
  session.close();
  await sim.stop();
  return { hop: 'smpp', unit: 'submit_sm and its receipt (deliver_sm), both answered', units: n, ...pick(m), server: 'smsc-sim' };
}

async function postgresHop(n: number): Promise<HopCost> {
  const bench = await createBenchDatabase();
  try {
    const migrated = await openDatabase({ url: bench.url, maxConnections: 1 });
    await migrated.close();
    const sql = postgres(bench.url, { max: 1, onnotice: () => {} });
    const [{ pid }] = (await sql`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
    const batch = 2500;
    const at = new Date();
    const row = (i: number) => ({
      id: newMessageId(),
      client_id: 'bench',
      client_ref: `ref-${i}`,
      carrier: 'sim',
      to: `+4477${String(i).padStart(8, '0')}`,
      from: 'ACME',
      segments: 1,
      encoding: 'gsm7',
      status: 'delivered',
      status_rank: 5,
      smsc_message_id: i.toString(16),
      parts: 1,
      last_stat: 'DELIVRD',
      last_stat_at: at,
      accepted_at: at,
      submitted_at: at,
      done_at: at,
    });
    const m = await measure({ gateway: 'self', server: pid }, async () => {
      for (let i = 0; i < n; i += batch) {
        const rows = Array.from({ length: Math.min(batch, n - i) }, (_, k) => row(i + k));
        await sql.begin((tx) => tx`insert into messages ${tx(rows)}`);
      }
    });
    await sql.end();
    return { hop: 'postgres', unit: `row inserted in its final state (${batch} per transaction)`, units: n, ...pick(m), server: 'postgres' };
  } finally {
    await bench.drop();
  }
}

export async function measureHopCosts(o: { messages: number; log: (line: string) => void }): Promise<HopCost[]> {
  const work = mkdtempSync(join(tmpdir(), 'smsmesh-bench-hops-'));
  const nats = await startNatsServer({ port: await freePort(), storeDir: join(work, 'nats') });
  const bus = await connectBus({ url: nats.url, name: 'bench-hops', log: noopLogger });
  const out: HopCost[] = [];
  try {
    o.log(`http: ${o.messages} requests to a bare node:http server…`);
    out.push(await httpHop(o.messages));
    o.log(`JetStream: ${o.messages} messages stored, then consumed; events in batches…`);
    out.push(...(await jetStreamHops(bus, nats.child.pid!, o.messages)));
    o.log(`SMPP: ${o.messages} submits and receipts against the simulator…`);
    out.push(await smppHop(o.messages));
    o.log(`PostgreSQL: ${o.messages} rows in batches…`);
    out.push(await postgresHop(o.messages));
  } finally {
    await bus.close();
    await nats.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}
