/**
 * Per-client limits across edges, on real parts — a private nats-server and three edge processes (built dist/): a
 * client's rateLimit holds across all three within ±10 % measured over 10 s, a refusal is a 429 problem with
 * Retry-After and the RateLimit headers over HTTP and NATS alike, a dailyQuota holds across an edge restart, and
 * allowedSenders refuses other senders with 422 through both doors. Then a SIGHUP reload: a good file changes the
 * routes at once, a bad one is refused with its errors logged and the running config kept.
 */
import { readFileSync } from 'node:fs';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { pool, spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess, type StackConfig } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';

const API_KEY = 'client-limits-key-0123456789';
const RATED_KEY = 'client-limits-rated-0123456789';
const QUOTA_KEY = 'client-limits-quota-0123456789';
const SENDERS_KEY = 'client-limits-senders-0123456789';
const FAST_KEY = 'client-limits-fast-0123456789';
const RATE = 50;
const QUOTA = 30;
const enc = new TextEncoder();
const dec = new TextDecoder();

interface Answer {
  status: number;
  body: Record<string, unknown>;
  /** By the name as smsmesh writes it (HTTP's lookup ignores case; NATS headers are matched exactly). */
  headers: { get(name: string): string | null };
}

describe('client limits across edges', () => {
  let nats: TestNats;
  let dir: ReturnType<typeof tempDir>;
  let nc: NatsConnection;
  let configPath: string;
  let stack: StackConfig;
  const edges: GatewayProcess[] = [];

  const spawnEdge = (name: string) =>
    spawnGateway({ entry: 'edge', configPath, natsUrl: nats.url, dataDir: dir.path, logDir: dir.path, http: true, name });

  beforeAll(async () => {
    dir = tempDir('smsmesh-limits-');
    nats = await startTestNats();
    // No SMSC is needed: accepted messages wait in JetStream; the carriers' ports are never dialled (no connector runs).
    stack = {
      apiKey: API_KEY,
      carriers: [
        { id: 'a', prefixes: ['+44'], port: 1 },
        { id: 'b', prefixes: ['+33'], port: 1 },
      ],
      moreClients: [
        { id: 'rated', apiKey: RATED_KEY, rateLimit: RATE },
        { id: 'quota', apiKey: QUOTA_KEY, dailyQuota: QUOTA },
        { id: 'senders', apiKey: SENDERS_KEY, allowedSenders: ['ACME', '/^INFO[0-9]{2}$/'] },
        { id: 'fast', apiKey: FAST_KEY, rateLimit: 1000, dailyQuota: 1_000_000 },
      ],
      sections: { routes: [{ match: { prefix: '+4477' }, carrier: 'a' }] },
    };
    configPath = writeConfig(dir.path, stack);
    for (const name of ['edge-0', 'edge-1', 'edge-2']) edges.push(await spawnEdge(name));
    nc = await connect({ servers: nats.url });
  }, 180_000);

  afterAll(async () => {
    await nc?.close();
    for (const e of edges) await e.kill();
    await nats?.destroy();
    dir?.remove();
  });

  async function http(edge: GatewayProcess, key: string, body: unknown, dryRun = false): Promise<Answer> {
    const r = await fetch(`${edge.baseUrl}/v1/messages${dryRun ? '?dryRun=true' : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown>, headers: r.headers };
  }

  async function viaNats(key: string, body: unknown): Promise<Answer> {
    const h = natsHeaders();
    h.set('Authorization', `Bearer ${key}`);
    const m = await nc.request('sms.api.v1.send', enc.encode(JSON.stringify(body)), { headers: h, timeout: 10_000 });
    const headers = { get: (name: string) => m.headers?.get(name) || null };
    return { status: Number(m.headers?.get('Smsmesh-Status')), body: JSON.parse(dec.decode(m.data)) as Record<string, unknown>, headers };
  }

  const msg = (i: number, from = 'ACME') => ({ to: `+4477009${String(i % 100_000).padStart(5, '0')}`, from, text: `limits ${i}` });

  it('holds a client to its rate across three edges and both doors (±10 % over 10 s)', async () => {
    // Offer three times the rate, one paced sender per edge (and every fifth request over NATS), for the burst
    // to drain and then 10 measured seconds.
    let accepted = 0;
    let refused = 0;
    let other = 0;
    let counting = false;
    let i = 0;
    const until = { stop: false };
    const worker = async (edge: GatewayProcess) => {
      while (!until.stop) {
        const started = Date.now();
        const n = i++;
        const a = n % 5 === 0 ? await viaNats(RATED_KEY, msg(n)) : await http(edge, RATED_KEY, msg(n));
        if (counting) {
          if (a.status === 202) accepted++;
          else if (a.status === 429) refused++;
          else other++;
        }
        const pause = (1000 / RATE) - (Date.now() - started);
        if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      }
    };
    const workers = edges.map((e) => worker(e));
    await new Promise((r) => setTimeout(r, 3000));
    counting = true;
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 10_000));
    counting = false;
    const seconds = (Date.now() - t0) / 1000;
    until.stop = true;
    await Promise.all(workers);
    const rate = accepted / seconds;
    const error = (rate - RATE) / RATE;
    // The measured figures, for the record of this test run.
    process.stdout.write(`client rate across 3 edges: ${accepted} accepted, ${refused} refused in ${seconds.toFixed(2)} s = ${rate.toFixed(1)}/s (error ${(error * 100).toFixed(1)} %)\n`);
    expect(other).toBe(0);
    expect(refused).toBeGreaterThan(accepted);
    expect(Math.abs(error)).toBeLessThan(0.1);
  }, 60_000);

  it('costs the KV buckets a write per block of messages, not per message', async () => {
    const jsm = await jetstreamManager(nc);
    const writes = async () =>
      (await jsm.streams.info('KV_SMSMESH_CLIENT_RATES')).state.last_seq + (await jsm.streams.info('KV_SMSMESH_CLIENT_QUOTAS')).state.last_seq;
    const before = await writes();
    const timed = async (key: string, base: number) => {
      const ms: number[] = [];
      await pool(Array.from({ length: 300 }, (_, k) => k), 3, async (k) => {
        const t = performance.now();
        const a = await http(edges[k % 3]!, key, msg(base + k));
        ms.push(performance.now() - t);
        expect(a.status).toBe(202);
      });
      ms.sort((x, y) => x - y);
      return { p50: ms[Math.floor(ms.length / 2)]!, p99: ms[Math.floor(ms.length * 0.99)]! };
    };
    const limited = await timed(FAST_KEY, 10_000);
    const kvWrites = (await writes()) - before;
    const unlimited = await timed(API_KEY, 20_000);
    // Once more each, alternating, so that neither side is measured alone on a cold or a busy moment.
    const limited2 = await timed(FAST_KEY, 30_000);
    const unlimited2 = await timed(API_KEY, 40_000);
    process.stdout.write(
      `accept latency, second round: p50/p99 ${limited2.p50.toFixed(1)}/${limited2.p99.toFixed(1)} ms limited, ${unlimited2.p50.toFixed(1)}/${unlimited2.p99.toFixed(1)} ms unlimited\n`,
    );
    process.stdout.write(
      `limits cost: 300 messages of a limited client over 3 edges = ${kvWrites} KV writes; accept latency p50/p99 ${limited.p50.toFixed(1)}/${limited.p99.toFixed(1)} ms limited, ${unlimited.p50.toFixed(1)}/${unlimited.p99.toFixed(1)} ms unlimited\n`,
    );
    expect(kvWrites).toBeLessThan(300 / 5);
  }, 60_000);

  it('answers 429 with Retry-After and the RateLimit headers, over HTTP and NATS alike', async () => {
    let h: Answer | undefined;
    for (let n = 0; n < 200 && h?.status !== 429; n++) h = await http(edges[n % 3]!, RATED_KEY, msg(n));
    expect(h!.status).toBe(429);
    expect(h!.headers.get('Content-Type')).toBe('application/problem+json');
    expect(h!.body).toMatchObject({ type: 'urn:smsmesh:problem:rateLimited', status: 429 });
    expect(Number(h!.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(h!.headers.get('RateLimit')).toMatch(/^"rate";r=0;t=[1-9][0-9]*$/);
    expect(h!.headers.get('RateLimit-Policy')).toBe(`"rate";q=${RATE};w=1`);
    let n: Answer | undefined;
    for (let k = 0; k < 200 && n?.status !== 429; k++) n = await viaNats(RATED_KEY, msg(k));
    expect(n!.status).toBe(429);
    expect(n!.headers.get('Nats-Service-Error-Code')).toBe('429');
    expect(n!.body).toMatchObject({ type: 'urn:smsmesh:problem:rateLimited' });
    expect(n!.headers.get('RateLimit-Policy')).toBe(`"rate";q=${RATE};w=1`);
    expect(Number(n!.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('keeps the daily quota across an edge restart: 429 quotaExceeded past it, on every edge and door', async () => {
    const first = await Promise.all(Array.from({ length: 20 }, (_, k) => http(edges[0]!, QUOTA_KEY, msg(1000 + k))));
    expect(first.map((a) => a.status)).toEqual(Array(20).fill(202));
    // A refused request (bad sender is fine for this client, bad number is not) gives its quota back.
    expect((await http(edges[0]!, QUOTA_KEY, { ...msg(1), to: '+0' })).status).toBe(400);
    await edges[0]!.stop();
    edges[0] = await spawnEdge('edge-0-again');
    const second: Answer[] = [];
    for (let k = 0; k < 15; k++) second.push(k % 2 === 0 ? await viaNats(QUOTA_KEY, msg(2000 + k)) : await http(edges[0]!, QUOTA_KEY, msg(2000 + k)));
    expect(second.filter((a) => a.status === 202)).toHaveLength(QUOTA - 20);
    const over = second.filter((a) => a.status !== 202);
    expect(over).toHaveLength(5);
    for (const a of over) {
      expect(a.status).toBe(429);
      expect(a.body).toMatchObject({ type: 'urn:smsmesh:problem:quotaExceeded', status: 429 });
      expect(Number(a.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(a.headers.get('RateLimit')).toMatch(/^"daily";r=0;t=[1-9][0-9]*$/);
      expect(a.headers.get('RateLimit-Policy')).toBe(`"daily";q=${QUOTA};w=86400`);
    }
    expect((await http(edges[1]!, QUOTA_KEY, msg(3000))).body).toMatchObject({ type: 'urn:smsmesh:problem:quotaExceeded' });
    expect((await http(edges[2]!, QUOTA_KEY, msg(3001))).status).toBe(429);
  }, 120_000);

  it('refuses a sender outside allowedSenders with 422 over HTTP and NATS; allowed ones pass', async () => {
    expect((await http(edges[1]!, SENDERS_KEY, msg(1, 'ACME'))).status).toBe(202);
    expect((await http(edges[1]!, SENDERS_KEY, msg(2, 'INFO42'))).status).toBe(202);
    expect((await viaNats(SENDERS_KEY, msg(3, 'INFO42'))).status).toBe(202);
    const h = await http(edges[1]!, SENDERS_KEY, msg(4, 'INFO423'));
    expect(h.status).toBe(422);
    expect(h.headers.get('Content-Type')).toBe('application/problem+json');
    expect(h.body).toMatchObject({ type: 'urn:smsmesh:problem:senderNotAllowed', status: 422, errors: [{ field: 'from' }] });
    const n = await viaNats(SENDERS_KEY, msg(5, 'OTHER'));
    expect(n.status).toBe(422);
    expect(n.headers.get('Nats-Service-Error-Code')).toBe('422');
    expect(n.body).toMatchObject({ type: 'urn:smsmesh:problem:senderNotAllowed' });
    // Other clients have no list: any sender.
    expect((await http(edges[1]!, API_KEY, msg(6, 'OTHER'), true)).status).toBe(200);
  }, 60_000);

  it('reloads routes and limits on SIGHUP, and refuses a bad file keeping the running config', async () => {
    const edge = edges[1]!;
    const carrierOf = async () => (await http(edge, API_KEY, msg(7), true)).body.carrier;
    expect(await carrierOf()).toBe('a');
    const senderOk = async (from: string) => (await http(edge, SENDERS_KEY, msg(8, from), true)).status === 200;
    expect(await senderOk('OTHER')).toBe(false);
    // New route, and a sender added to a client's list (the other edges keep the config they read).
    const reloaded: StackConfig = {
      ...stack,
      moreClients: stack.moreClients!.map((c) => (c.id === 'senders' ? { ...c, allowedSenders: ['ACME', 'OTHER'] } : c)),
      sections: { routes: [{ match: { prefix: '+4477' }, carrier: 'b' }] },
    };
    writeConfig(dir.path, reloaded);
    edge.child.kill('SIGHUP');
    await waitFor('the new route', async () => (await carrierOf()) === 'b', 15_000);
    expect(await senderOk('OTHER')).toBe(true);
    expect(await senderOk('INFO42')).toBe(false);
    expect((await http(edges[2]!, SENDERS_KEY, msg(9, 'OTHER'), true)).status).toBe(422);
    // The log line may reach the file a moment after the new policy serves.
    await waitFor('the reload logged', async () => readFileSync(edge.logFile, 'utf8').includes('config reloaded'), 15_000);

    // A route to a carrier that does not exist.
    writeConfig(dir.path, { ...reloaded, sections: { routes: [{ match: { prefix: '+4477' }, carrier: 'nowhere' }] } });
    edge.child.kill('SIGHUP');
    const refusal = await waitFor('the refusal in the log', async () => {
      const line = readFileSync(edge.logFile, 'utf8').split('\n').find((l) => l.includes('config reload refused'));
      return line ? (JSON.parse(line) as { problems: string[] }) : undefined;
    }, 15_000);
    expect(refusal.problems.join('\n')).toContain('routes[0].carrier: names no configured carrier ("nowhere")');
    expect(await carrierOf()).toBe('b');
    expect(await senderOk('OTHER')).toBe(true);
    expect(edge.child.exitCode).toBeNull();

    // Adding a carrier needs a restart: refused too.
    writeConfig(dir.path, { ...stack, carriers: [...stack.carriers, { id: 'c', prefixes: ['+49'], port: 1 }] });
    edge.child.kill('SIGHUP');
    await waitFor('the carrier refusal', async () => readFileSync(edge.logFile, 'utf8').includes('adding or removing a carrier needs a restart'), 15_000);
    expect(await carrierOf()).toBe('b');
  }, 60_000);
});
