/**
 * Carrier-wide limits across connector processes (issue 14): real nats-server, the SMSC simulator over TCP, and
 * real connector processes (dist/cmd/connector.js). The account's submit_sm/s, counted by the SMSC, holds within
 * ±5 % over 10 s windows with 1, 2 and 3 processes, and through a SIGKILL of one; the SMSC never sees more than
 * maxBinds sessions at once; a throttle on one bind slows the binds of the other process; senderTps paces one
 * sender and queues its messages, never rejecting them.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodeMt } from '../../internal/bus/codec.js';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { createPublisher } from '../../internal/bus/publisher.js';
import { Subjects } from '../../internal/bus/subjects.js';
import { newMessageId } from '../../internal/core/ids.js';
import { noopLogger } from '../../internal/log/logger.js';
import { analyzeContent } from '../../internal/sms/content.js';
import type { MtMessage } from '../../internal/sms/message.js';
import { startSmscSimulator, type SimulatedSubmit, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { spawnGateway, tempDir, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Stack {
  sim: SmscSimulator;
  submits: SimulatedSubmit[];
  spawn(name: string): Promise<GatewayProcess>;
  publish(n: number, from?: string): Promise<MtMessage[]>;
  metric(p: GatewayProcess, name: string, labels: Record<string, string>): Promise<number>;
  /** Stops nats-server (its store kept). */
  natsDown(): Promise<void>;
  /** Starts it again on the same port and store. */
  natsUp(): Promise<void>;
  close(): Promise<void>;
}

async function startStack(carrier: Record<string, unknown>): Promise<Stack> {
  const dir = tempDir('smsmesh-carrier-limits-');
  let nats: TestNats = await startTestNats();
  const sim = await startSmscSimulator({ host: '127.0.0.1', port: 0, receipts: false });
  const submits: SimulatedSubmit[] = [];
  sim.onSubmit((s) => submits.push(s));
  const configPath = writeConfig(dir.path, {
    apiKey: 'carrier-limits-key-0123456789',
    carriers: [{ id: 'acme', prefixes: ['+44'], port: sim.port, window: 10, responseTimeoutMs: 2000, ...carrier }],
    ackWaitMs: 10_000,
  });
  const procs: GatewayProcess[] = [];
  let bus: Bus | undefined;
  let seq = 0;
  return {
    sim,
    submits,
    async spawn(name) {
      const dataDir = join(dir.path, name);
      mkdirSync(dataDir, { recursive: true });
      const p = await spawnGateway({ entry: 'connector', configPath, natsUrl: nats.url, dataDir, logDir: dir.path, name });
      procs.push(p);
      return p;
    },
    async publish(n, from = 'ACME') {
      // After a connector is up: it declares the streams.
      bus ??= await connectBus({ url: nats.url, name: 'carrier-limits-test', log: noopLogger });
      const publisher = createPublisher(bus);
      const msgs = Array.from({ length: n }, (): MtMessage => {
        const text = `hello ${seq}`;
        const a = analyzeContent(text, 'auto', 'udh8');
        if (!a.ok) throw new Error(a.reason);
        const at = Date.now();
        const to = `+447${String(seq++).padStart(9, '0')}`;
        return { id: newMessageId(at), clientId: 'test-client', carrier: 'acme', to, from, text, encoding: a.encoding, segments: a.segments, acceptedAt: at };
      });
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < msgs.length) {
            const m = msgs[next++]!;
            await publisher.publish(Subjects.mt('acme'), encodeMt(m), { msgID: m.id, deadlineMs: 10_000 });
          }
        }),
      );
      return msgs;
    },
    async metric(p, name, labels) {
      const text = await (await fetch(`${p.baseUrl}/metrics`)).text();
      const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        if (want.every((w) => line.includes(w))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    async natsDown() {
      await nats.stop();
    },
    async natsUp() {
      nats = await nats.restart();
    },
    async close() {
      await Promise.all(procs.map((p) => p.kill()));
      await bus?.close();
      await sim.close();
      await nats.destroy();
      dir.remove();
    },
  };
}

/** The SMSC's accepted submits in each whole second from `fromMs` to `toMs`. */
function perSecond(sim: SmscSimulator, fromMs: number, toMs: number): number[] {
  const by = new Map(sim.stats().submitsPerSecond.map((c) => [c.second, c.submits]));
  const out: number[] = [];
  for (let sec = Math.ceil(fromMs / 1000); sec < Math.floor(toMs / 1000); sec++) out.push(by.get(sec) ?? 0);
  return out;
}

/** Waits until the SMSC holds `n` sessions (at most 60 s). */
async function sessionsUp(sim: SmscSimulator, n: number): Promise<void> {
  const until = Date.now() + 60_000;
  while (sim.stats().sessions.length < n) {
    if (Date.now() > until) throw new Error(`the SMSC never held ${n} sessions (has ${sim.stats().sessions.length})`);
    await sleep(100);
  }
}

/**
 * The steady rate over 10 s, checked against [lo, hi]: every window measured must stay at or under `hi` (the carrier's
 * limit is never exceeded), and one that falls under `lo` is measured once more, because on a shared two-core machine
 * a host stall of a second or two costs a 10 s window 10–20 % without anything being wrong with the limits. The dip
 * is logged with its per-second counts, so a repeated dip shows in the test output.
 */
async function steadyRate(sim: SmscSimulator, name: string, lo: number, hi: number): Promise<number> {
  const at = Date.now();
  const first = await rateOver(sim, 10_000);
  expect(first, `${name}: never above the account's rate`).toBeLessThanOrEqual(hi);
  if (first >= lo) return first;
  console.log(`[carrier-limits] ${name}: ${first.toFixed(1)}/s under ${lo} (per second ${perSecond(sim, at, at + 10_000).join(' ')}); measured again`);
  const again = await rateOver(sim, 10_000);
  expect(again, `${name}, measured again: never above the account's rate`).toBeLessThanOrEqual(hi);
  return again;
}

/** Accepted submits per second at the SMSC over the next `ms`, by the SMSC's own count and the wall time taken. */
async function rateOver(sim: SmscSimulator, ms: number): Promise<number> {
  const n0 = sim.stats().submits;
  const t0 = performance.now();
  await sleep(ms);
  const n1 = sim.stats().submits;
  return ((n1 - n0) * 1000) / (performance.now() - t0);
}

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});
afterAll(async () => {
  await stack?.close();
});

const ACCOUNT_TPS = 150;
const MAX_BINDS = 5;

describe('carrier-wide limits across connector processes', () => {
  it(
    `accountTps ${ACCOUNT_TPS} holds within ±5 % per 10 s with 1, 2 and 3 connector processes and through a SIGKILL; never more than maxBinds ${MAX_BINDS} sessions`,
    async () => {
      // Two binds per process: the third process gets the one slot left, and a second one when the first dies.
      const s = (stack = await startStack({ binds: 2, accountTps: ACCOUNT_TPS, maxBinds: MAX_BINDS, leaseTtlMs: 3000, tps: 1000 }));
      const lo = ACCOUNT_TPS * 0.95;
      const hi = ACCOUNT_TPS * 1.05;
      const p1 = await s.spawn('connector-1');
      // Enough for every window at 150/s, a measured-again window or two, and slow process starts.
      await s.publish(20_000);
      await sleep(4000);
      const one = await steadyRate(s.sim, '1 process', lo, hi);
      // Each window measures the steady rate once the new process's sessions are up: a process that starts on a
      // loaded two-core machine can take seconds to bind, and until it sends, the others' shares are what they were.
      const p2 = await s.spawn('connector-2');
      await sessionsUp(s.sim, 4);
      await sleep(3000);
      const two = await steadyRate(s.sim, '2 processes', lo, hi);
      const p3 = await s.spawn('connector-3');
      await sessionsUp(s.sim, MAX_BINDS);
      await sleep(3000);
      const threeAt = Date.now();
      const three = await steadyRate(s.sim, '3 processes', lo, hi);
      const sessionsWithThree = s.sim.stats().sessions.length;
      const killAt = Date.now();
      await p1.kill();
      const killed = await rateOver(s.sim, 10_000);
      const after = await steadyRate(s.sim, 'the 10 s after the SIGKILL window', lo, hi);
      // A restart (SIGTERM, then a new process): the stopping one gives its slots back at once.
      const restartAt = Date.now();
      const restartWindow = rateOver(s.sim, 10_000);
      await p2.stop();
      const p2again = await s.spawn('connector-2-again');
      const restarted = await restartWindow;
      await sleep(2000);
      const stats = s.sim.stats();
      console.log(`[carrier-limits] per second with 3 processes: ${perSecond(s.sim, threeAt, threeAt + 10_000).join(' ')}`);
      console.log(`[carrier-limits] per second after the SIGKILL: ${perSecond(s.sim, killAt, killAt + 21_000).join(' ')}; after the SIGTERM: ${perSecond(s.sim, restartAt, restartAt + 12_000).join(' ')}`);
      console.log(
        `[carrier-limits] accountTps ${ACCOUNT_TPS}: 1 process ${one.toFixed(1)}/s, 2 processes ${two.toFixed(1)}/s, 3 processes ${three.toFixed(1)}/s ` +
          `(${sessionsWithThree} sessions), first 10 s after SIGKILL of one ${killed.toFixed(1)}/s, next 10 s ${after.toFixed(1)}/s ` +
          `(${s.sim.stats().sessions.length} sessions); 10 s with a restart (SIGTERM, new process) of another ${restarted.toFixed(1)}/s; ` +
          `most sessions at once ${stats.maxSessions}; throttled ${stats.throttled}`,
      );
      for (const r of [one, two, three, after, restarted]) {
        expect(r).toBeGreaterThanOrEqual(lo);
        expect(r).toBeLessThanOrEqual(hi);
      }
      // The window with the kill: never above the account; below it while the dead process's leases age out.
      expect(killed).toBeLessThanOrEqual(hi);
      expect(killed).toBeGreaterThanOrEqual(ACCOUNT_TPS * 0.7);
      expect(sessionsWithThree).toBe(MAX_BINDS);
      expect(stats.maxSessions).toBeLessThanOrEqual(MAX_BINDS);
      // The survivors took the dead process's slots (the third process now holds two), and the restarted one its own.
      expect(stats.sessions.length).toBe(4);
      expect(await s.metric(p3, 'smsmesh_carrier_leases_held', { carrier: 'acme' })).toBe(2);
      expect(await s.metric(p2again, 'smsmesh_carrier_leases_held', { carrier: 'acme' })).toBe(2);
    },
    240_000,
  );

  it(
    'a throttle (0x58) on one bind slows the bind of the other process too, counted as a carrier throttle signal',
    async () => {
      const s = (stack = await startStack({ binds: 1, accountTps: 100, maxBinds: 2, leaseTtlMs: 3000 }));
      const pa = await s.spawn('connector-a');
      const pb = await s.spawn('connector-b');
      await s.publish(3000);
      await sleep(4000);
      const sessions = s.sim.stats().sessions.map((x) => x.id);
      expect(sessions).toHaveLength(2);
      const [throttled, other] = sessions as [number, number];
      const count = (from: number, to: number): number => s.submits.filter((x) => x.sessionId === other && x.at >= from && x.at < to).length;
      const t = Date.now();
      s.sim.setBehaviour({ throttleSessions: [throttled] });
      await sleep(300);
      s.sim.setBehaviour({ throttleSessions: [] });
      await sleep(2000);
      const before = count(t - 2000, t);
      const afterSignal = count(t, t + 2000);
      const sent = (await s.metric(pa, 'smsmesh_carrier_throttle_signals_total', { direction: 'sent' })) + (await s.metric(pb, 'smsmesh_carrier_throttle_signals_total', { direction: 'sent' }));
      const received = [await s.metric(pa, 'smsmesh_carrier_throttle_signals_total', { direction: 'received' }), await s.metric(pb, 'smsmesh_carrier_throttle_signals_total', { direction: 'received' })];
      console.log(`[carrier-limits] unthrottled bind: ${before} submits in the 2 s before the throttle on the other bind, ${afterSignal} in the 2 s after; signals sent ${sent}, received ${received.join('/')}`);
      expect(before).toBeGreaterThanOrEqual(80);
      // A 1 s pause and a halved rate recovering 5 % a second: well under two thirds of its earlier pace.
      expect(afterSignal).toBeLessThan(before * 0.6);
      expect(sent).toBeGreaterThanOrEqual(1);
      for (const r of received) expect(r).toBeGreaterThanOrEqual(1);
    },
    120_000,
  );

  it(
    'senderTps paces a long-code sender at its rate, queued and never rejected, while other senders go at the account rate',
    async () => {
      const s = (stack = await startStack({ binds: 1, accountTps: 200, maxBinds: 1, senderTps: [{ sender: '^\\+1555\\d{7}$', tps: 2 }] }));
      const p = await s.spawn('connector-paced');
      const t0 = Date.now();
      const paced = await s.publish(20, '+15550001111');
      const free = await s.publish(200, 'ACME');
      const done = Date.now() + 60_000;
      while (s.sim.stats().submits < 220 && Date.now() < done) await sleep(200);
      const stats = s.sim.stats();
      const pacedAt = s.submits.filter((x) => x.sourceAddr.endsWith('15550001111')).map((x) => x.at).sort((a, b) => a - b);
      const freeAt = s.submits.filter((x) => x.sourceAddr === 'ACME').map((x) => x.at);
      let busiest = 0;
      for (let i = 0; i < pacedAt.length; i++) busiest = Math.max(busiest, pacedAt.filter((t) => t >= pacedAt[i]! && t < pacedAt[i]! + 1000).length);
      const span = (pacedAt[pacedAt.length - 1]! - pacedAt[0]!) / 1000;
      const gaps = pacedAt.slice(1).map((t, i) => t - pacedAt[i]!);
      const freeDone = (Math.max(...freeAt) - t0) / 1000;
      const held = await s.metric(p, 'smsmesh_sender_paced_total', { how: 'held' });
      const delayed = await s.metric(p, 'smsmesh_sender_paced_total', { how: 'delayed' });
      console.log(`[carrier-limits] senderTps 2/s: ${pacedAt.length} paced messages over ${span.toFixed(1)} s, busiest second ${busiest}, gaps ${gaps.join(' ')} ms; 200 others done ${freeDone.toFixed(1)} s after publishing; held ${held}, delayed ${delayed}`);
      expect(stats.submits).toBe(220);
      expect(stats.rejected + stats.throttled).toBe(0);
      expect(new Set(s.submits.map((x) => x.destinationAddr)).size).toBe(paced.length + free.length);
      // 20 messages at 2/s: 19 gaps of 0.5 s at least (a little slack for timers firing early).
      expect(span).toBeGreaterThanOrEqual(9);
      // Never ahead of 2/s counted from the first: the k-th arrives no sooner than k × 500 ms after it (50 ms for timers
      // and transport). A gap may be short right after a late one (a host stall, then the next slot on time: CI once
      // measured 583 then 421 ms), which keeps to the rate; a burst does not.
      const ahead = pacedAt.map((t, k) => t - pacedAt[0]! - k * 500).filter((d) => d < -50);
      expect(ahead).toEqual([]);
      // And at its rate, not slower: the typical gap is the pacer's 500 ms.
      const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
      expect(median).toBeGreaterThanOrEqual(450);
      expect(median).toBeLessThanOrEqual(550);
      expect(busiest).toBeLessThanOrEqual(3);
      // The other sender was not held up behind the paced one.
      expect(freeDone).toBeLessThan(span);
      expect(held).toBeGreaterThan(0);
      expect(delayed).toBeGreaterThan(0);
    },
    120_000,
  );

  it(
    'a connector that loses NATS closes the binds whose leases it can no longer prove, and binds again at the account rate once NATS is back',
    async () => {
      const s = (stack = await startStack({ binds: 2, accountTps: 100, maxBinds: 2, leaseTtlMs: 3000 }));
      const p = await s.spawn('connector-outage');
      await s.publish(5000);
      await sleep(3000);
      expect(s.sim.stats().sessions).toHaveLength(2);
      const down = Date.now();
      await s.natsDown();
      const deadline = Date.now() + 20_000;
      while (s.sim.stats().sessions.length > 0 && Date.now() < deadline) await sleep(50);
      const closedAfterMs = Date.now() - down;
      await sleep(1000);
      await s.natsUp();
      const back = Date.now();
      while (s.sim.stats().sessions.length < 2 && Date.now() < back + 60_000) await sleep(100);
      const rebindMs = Date.now() - back;
      await sleep(3000);
      const rate = await rateOver(s.sim, 10_000);
      const lost = await s.metric(p, 'smsmesh_carrier_leases_lost_total', { carrier: 'acme' });
      console.log(`[carrier-limits] NATS down: both binds closed ${closedAfterMs} ms later (lease TTL 3000 ms); NATS back: bound again in ${rebindMs} ms, then ${rate.toFixed(1)}/s (accountTps 100); leases lost ${lost}; most sessions at once ${s.sim.stats().maxSessions}`);
      // The leases were last renewed at most a renew period (750 ms) before NATS went; each is given up ttl/8 before its end.
      expect(closedAfterMs).toBeLessThanOrEqual(3000 + 1000);
      expect(lost).toBe(2);
      expect(s.sim.stats().sessions).toHaveLength(2);
      expect(s.sim.stats().maxSessions).toBeLessThanOrEqual(2);
      expect(rate).toBeGreaterThanOrEqual(95);
      expect(rate).toBeLessThanOrEqual(105);
    },
    150_000,
  );
});
