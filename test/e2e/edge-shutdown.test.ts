/**
 * SIGTERM on an edge with requests in flight (the edge command against a real nats-server): requests whose headers it
 * had already read are answered 202 after the signal and are in JetStream; everything else is refused (connection
 * refused or reset, or a 503) and is not; no request hangs, none is lost, nothing is half-accepted; the edge exits 0.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMt } from '../../internal/bus/codec.js';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { Streams } from '../../internal/bus/subjects.js';
import { noopLogger } from '../../internal/log/logger.js';
import { spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';

const API_KEY = 'edge-stop-key-0123456789a';
const body = (to: string): string => JSON.stringify({ to, from: 'ACME', text: `bye ${to}` });

let nats: TestNats;
let edge: GatewayProcess;
let dir: ReturnType<typeof tempDir>;
let bus: Bus;

beforeAll(async () => {
  dir = tempDir('smsmesh-edge-stop-');
  nats = await startTestNats();
  // No connector runs: what the edge accepted stays in SMS_MT, where the test reads it.
  const configPath = writeConfig(dir.path, { apiKey: API_KEY, carriers: [{ id: 'uk', prefixes: ['+44'], port: 9 }] });
  edge = await spawnGateway({ entry: 'edge', configPath, natsUrl: nats.url, dataDir: dir.path, http: true, logDir: dir.path });
  bus = await connectBus({ url: nats.url, name: 'edge-stop-test', log: noopLogger });
});

afterAll(async () => {
  await bus?.close();
  await edge?.stop();
  await nats?.destroy();
  dir?.remove();
});

type Outcome = { to: string; status: number; id?: string } | { to: string; error: string };

/** One POST on a fresh connection, bounded: a request that hangs fails the test rather than the timeout. */
function post(to: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.request(`${edge.baseUrl}/v1/messages`, {
      method: 'POST',
      agent: false,
      timeout: 20_000,
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json', 'Idempotency-Key': `k${to.slice(1)}` },
    });
    req.on('timeout', () => req.destroy(new Error('hung')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ to, error: err.code ?? err.message }));
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        const j = JSON.parse(text) as { id?: string };
        resolve({ to, status: res.statusCode!, ...(j.id ? { id: j.id } : {}) });
      });
    });
    req.end(body(to));
  });
}

/**
 * A request the edge is in the middle of: headers sent with Expect: 100-continue, and the body held back until the
 * test says so. The server's 100 Continue proves it has read the headers, so the request is in flight at the signal.
 */
async function heldRequest(to: string): Promise<{ finish(): Promise<Outcome> }> {
  const req = http.request(`${edge.baseUrl}/v1/messages`, {
    method: 'POST',
    agent: false,
    timeout: 20_000,
    headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json', 'Idempotency-Key': `k${to.slice(1)}`, Expect: '100-continue' },
  });
  const outcome = new Promise<Outcome>((resolve) => {
    req.on('timeout', () => req.destroy(new Error('hung')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ to, error: err.code ?? err.message }));
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ to, status: res.statusCode!, ...((JSON.parse(text) as { id?: string }).id ? { id: (JSON.parse(text) as { id: string }).id } : {}) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    req.once('continue', resolve);
    req.once('error', reject);
    req.flushHeaders();
  });
  return {
    finish() {
      req.end(body(to));
      return outcome;
    },
  };
}

/** Every MT in SMS_MT (no connector acks them here), by destination. */
async function storedByDestination(): Promise<Map<string, string>> {
  const info = await bus.jsm.streams.info(Streams.mt);
  const out = new Map<string, string>();
  for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
    const m = await bus.jsm.streams.getMessage(Streams.mt, { seq });
    if (!m) continue;
    const mt = decodeMt(m.data);
    out.set(mt.to, mt.id);
  }
  return out;
}

describe('edge graceful shutdown', () => {
  it('answers what it is in the middle of with 202, refuses the rest, loses and half-accepts nothing, and exits 0', async () => {
    let n = 0;
    const next = (): string => `+447704${String(n++).padStart(6, '0')}`;
    // Steady load on fresh connections, until the edge is gone.
    const outcomes: Outcome[] = [];
    let stopLoad = false;
    const load = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!stopLoad) {
          const o = await post(next());
          outcomes.push(o);
          if ('error' in o && o.error === 'ECONNREFUSED') return;
        }
      }),
    );
    await waitFor('load under way', async () => outcomes.filter((o) => 'status' in o && o.status === 202).length >= 50, 30_000, 20);
    const held = await Promise.all([heldRequest(next()), heldRequest(next()), heldRequest(next())]);

    const exited = new Promise<number | null>((r) => edge.child.once('exit', (code) => r(code)));
    edge.child.kill('SIGTERM');
    // The edge has stopped listening: new connections are refused…
    await waitFor('new connections refused', async () => {
      const o = await post(next());
      outcomes.push(o);
      return 'error' in o && o.error === 'ECONNREFUSED';
    }, 20_000, 20);
    // …and the requests it was reading are still answered, after the signal.
    const late = await Promise.all(held.map((h) => h.finish()));
    stopLoad = true;
    await load;
    expect(await exited).toBe(0);

    expect(late.map((o) => ('status' in o ? o.status : o.error))).toEqual([202, 202, 202]);
    const all = [...outcomes, ...late];
    const accepted = all.filter((o): o is Extract<Outcome, { status: number }> => 'status' in o && o.status === 202);
    const refused = all.filter((o) => !('status' in o) || o.status !== 202);
    console.log(
      `[edge stop] ${accepted.length} accepted (3 of them after SIGTERM), ${refused.length} refused: ` +
        [...new Set(refused.map((o) => ('status' in o ? String(o.status) : o.error)))].join(', '),
    );
    // Nothing hung; every refusal is one a client can retry.
    for (const o of refused) expect('status' in o ? o.status : o.error, o.to).toMatch(/^(503|ECONNREFUSED|ECONNRESET)$/);
    // Each 202 is in JetStream under the id it was given, and nothing else is: no refused request was stored.
    const stored = await storedByDestination();
    expect(new Map(accepted.map((o) => [o.to, o.id]))).toEqual(stored);
  });
});
