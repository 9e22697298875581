/**
 * Failover on real parts — a private nats-server, two SMSC simulators over TCP, one connector and one edge (built
 * dist/): a failover route sends new traffic to carrier A while it has a bound session, to B once A's simulator has
 * been stopped for routing.downAfterS, and back to A when it returns. Messages already queued for A wait for it and
 * are never handed to B: every message reaches exactly one SMSC, exactly once.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmscSimulator, type SimulatedSubmit, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';

const API_KEY = 'failover-routes-key-0123456789';
const auth = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

describe('failover route', () => {
  let nats: TestNats;
  let dir: ReturnType<typeof tempDir>;
  let simA: SmscSimulator;
  let simB: SmscSimulator;
  let simC: SmscSimulator;
  let portA: number;
  let edge: GatewayProcess;
  const procs: GatewayProcess[] = [];
  /** Texts as each SMSC received them (A's across both of its lives). */
  const atA: string[] = [];
  const atB: string[] = [];
  const atC: string[] = [];
  const textOf = (s: SimulatedSubmit) => s.shortMessage.toString('latin1');

  async function startA(port = 0): Promise<SmscSimulator> {
    const s = await startSmscSimulator({ host: '127.0.0.1', port, receipts: false });
    s.onSubmit((x) => atA.push(textOf(x)));
    return s;
  }

  beforeAll(async () => {
    dir = tempDir('smsmesh-failover-');
    nats = await startTestNats();
    simA = await startA();
    portA = simA.port;
    simB = await startSmscSimulator({ host: '127.0.0.1', port: 0, receipts: false });
    simB.onSubmit((x) => atB.push(textOf(x)));
    simC = await startSmscSimulator({ host: '127.0.0.1', port: 0, receipts: false });
    simC.onSubmit((x) => atC.push(textOf(x)));
    const configPath = writeConfig(dir.path, {
      apiKey: API_KEY,
      carriers: [
        { id: 'a', prefixes: ['+44'], port: portA },
        { id: 'b', prefixes: ['+33'], port: simB.port },
        // A slow carrier: five messages a second through one session, so a burst makes a backlog.
        { id: 'c', prefixes: ['+49'], port: simC.port, tps: 5, window: 1 },
      ],
      sections: {
        routes: [
          { match: { prefix: '+4477' }, failover: ['a', 'b'] },
          { match: { prefix: '+4478' }, failover: ['c', 'b'] },
        ],
        routing: { downAfterS: 2, pollMs: 500, maxBacklog: 10 },
      },
    });
    const common = { configPath, natsUrl: nats.url, dataDir: dir.path, logDir: dir.path };
    procs.push(await spawnGateway({ ...common, entry: 'connector', name: 'connector' }));
    edge = await spawnGateway({ ...common, entry: 'edge', http: true, name: 'edge' });
    procs.push(edge);
  }, 120_000);

  afterAll(async () => {
    for (const p of procs) await p.kill();
    await simA?.close();
    await simB?.close();
    await simC?.close();
    await nats?.destroy();
    dir?.remove();
  });

  async function send(text: string, dryRun = false, to = '+447700900123'): Promise<string> {
    const r = await fetch(`${edge.baseUrl}/v1/messages${dryRun ? '?dryRun=true' : ''}`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ from: 'ACME', to, text }),
    });
    const body = (await r.json()) as { carrier?: string };
    expect(r.status, JSON.stringify(body)).toBe(dryRun ? 200 : 202);
    return body.carrier!;
  }

  async function sendAll(prefix: string, n: number, to?: string): Promise<{ text: string; carrier: string }[]> {
    const out: { text: string; carrier: string }[] = [];
    for (let i = 0; i < n; i++) {
      const text = `${prefix}-${i}`;
      out.push({ text, carrier: await send(text, false, to) });
    }
    return out;
  }

  it('moves new traffic to B while A is down and back when A returns, each message delivered once', async () => {
    await waitFor('A bound', async () => {
      const r = await fetch(`${edge.baseUrl}/readyz/carriers`);
      return r.ok;
    }, 30_000);
    const before = await sendAll('before', 20);
    expect(before.every((m) => m.carrier === 'a')).toBe(true);
    await waitFor('A has the first messages', async () => atA.length >= 20, 30_000);
    // Their submit_sm_resp on the wire too, so that stopping A cuts no answer (which would be a resend, not a route).
    await new Promise((r) => setTimeout(r, 1000));

    await simA.close();
    const stoppedAt = Date.now();
    // Sent before the edge can know: they are A's, and wait in JetStream for it.
    const queued = await sendAll('queued', 5);
    expect(queued.every((m) => m.carrier === 'a')).toBe(true);
    await waitFor('traffic moved to B', async () => (await send('probe', true)) === 'b', 30_000, 250);
    const movedAfterS = (Date.now() - stoppedAt) / 1000;
    // The gauge and the log line follow at the next census (routing.pollMs): usability is judged by the clock.
    await waitFor('the gauge', async () => /smsmesh_edge_carrier_usable\{carrier="a"[^}]*\} 0/.test(await (await fetch(`${edge.baseUrl}/metrics`)).text()), 10_000);
    await waitFor('the change logged', async () => readFileSync(edge.logFile, 'utf8').includes('carrier takes no new traffic'), 10_000);
    const during = await sendAll('during', 20);
    expect(during.every((m) => m.carrier === 'b')).toBe(true);
    await waitFor('B has them', async () => atB.length >= 20, 30_000);

    simA = await startA(portA);
    const backAt = Date.now();
    await waitFor('traffic back on A', async () => (await send('probe', true)) === 'a', 60_000, 250);
    const backAfterS = (Date.now() - backAt) / 1000;
    const after = await sendAll('after', 20);
    expect(after.every((m) => m.carrier === 'a')).toBe(true);

    await waitFor('every message at its SMSC', async () => atA.length >= 45 && atB.length >= 20, 60_000, 500);
    // A moment more for any duplicate to show up.
    await new Promise((r) => setTimeout(r, 2000));
    process.stdout.write(`failover: moved to B ${movedAfterS.toFixed(1)} s after A stopped (downAfterS 2), back ${backAfterS.toFixed(1)} s after A returned\n`);
    const expectA = [...before, ...queued, ...after].map((m) => m.text).sort();
    const expectB = during.map((m) => m.text).sort();
    expect([...atA].sort()).toEqual(expectA);
    expect([...atB].sort()).toEqual(expectB);
  }, 180_000);

  it('moves new traffic off a carrier whose backlog passes routing.maxBacklog, and back once it has drained', async () => {
    const to = '+447800900123';
    const burst = await sendAll('slow', 40, to);
    expect(burst[0]!.carrier).toBe('c');
    await waitFor('traffic moved off the backlog', async () => (await send('probe', true, to)) === 'b', 15_000, 100);
    const during = await sendAll('slow-during', 5, to);
    expect(during.every((m) => m.carrier === 'b')).toBe(true);
    const movedAt = Date.now();
    await waitFor('traffic back on C', async () => (await send('probe', true, to)) === 'c', 60_000, 250);
    process.stdout.write(`backlog failover: ${burst.filter((m) => m.carrier === 'c').length} of the burst went to C before the edge saw its backlog; back on C ${((Date.now() - movedAt) / 1000).toFixed(1)} s later\n`);
    await waitFor('every message at its SMSC', async () => atC.length + atB.filter((t) => t.startsWith('slow')).length >= 45, 60_000, 500);
    await new Promise((r) => setTimeout(r, 2000));
    const all = [...burst, ...during];
    expect([...atC].sort()).toEqual(all.filter((m) => m.carrier === 'c').map((m) => m.text).sort());
    expect(atB.filter((t) => t.startsWith('slow')).sort()).toEqual(all.filter((m) => m.carrier === 'b').map((m) => m.text).sort());
  }, 120_000);
});
