/**
 * The edge's floor at an open load: the least HTTP edge (hop-http-child.ts) driven by make bench's load generator at
 * fixed arrival rates, with nothing else running but nats-server. Three edges: one that answers at once, one that
 * answers on the message's PubAck (an unkeyed send), one that claims the key and then stores (a keyed send). Their
 * CPU per request and their accept latency are what no edge built on node:http and JetStream can go below here: the
 * gateway's edge pays this plus its own logic, and shares the cores with the roles behind it.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { noopLogger } from '../../internal/log/logger.js';
import { startNatsServer } from '../devstack/nats-process.js';
import { LoadFleet } from '../loadgen/load-fleet.js';
import { killOnExit } from '../shared/exit-guard.js';
import { per1k } from './hop-floor.js';
import { cpuSecondsOf } from './process-stats.js';
import { freePort } from './stack.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export const EDGE_FLOOR_MODES = ['answer', 'store', 'claim-store'] as const;
export type EdgeFloorMode = (typeof EDGE_FLOOR_MODES)[number];

export const EDGE_FLOOR_LABEL: Record<EdgeFloorMode, string> = {
  answer: 'answer at once',
  store: 'store, then answer',
  'claim-store': 'claim, store, answer',
};

/** What one run measured: requests, seconds and CPU seconds of each side. */
export interface EdgeFloorMeasurement {
  mode: EdgeFloorMode;
  rate: number;
  accepted: number;
  failed: number;
  /** Messages and claims that reached their streams during the run: what the edge answered 202 for must be there. */
  stored: number;
  claimed: number;
  wallS: number;
  edgeS: number;
  natsS: number;
  loadgenS: number;
  /** Accept latency percentiles, ms, from each request's intended start. */
  p50: number;
  p95: number;
  p99: number;
  p999: number;
}

export interface EdgeFloorRow extends EdgeFloorMeasurement {
  acceptedPerS: number;
  edgePer1k: number;
  natsPer1k: number;
  loadgenPer1k: number;
}

/** CPU per 1,000 accepted requests of each side, and the accepted rate. */
export function edgeFloorRow(m: EdgeFloorMeasurement): EdgeFloorRow {
  return {
    ...m,
    acceptedPerS: m.wallS > 0 ? m.accepted / m.wallS : 0,
    edgePer1k: per1k(m.edgeS, m.accepted),
    natsPer1k: per1k(m.natsS, m.accepted),
    loadgenPer1k: per1k(m.loadgenS, m.accepted),
  };
}

export function formatEdgeFloor(rows: readonly EdgeFloorRow[]): string[] {
  const f3 = (x: number) => x.toFixed(3);
  const f1 = (x: number) => x.toFixed(1);
  const lines = ['edge                 rate/s  accepted/s  failed  accepted / stored / claimed  accept p50 / p95 / p99 / p99.9 ms  edge CPU-s/1k  nats-server CPU-s/1k  load generator CPU-s/1k'];
  for (const r of rows) {
    const lat = `${f1(r.p50)} / ${f1(r.p95)} / ${f1(r.p99)} / ${f1(r.p999)}`;
    lines.push(
      `${EDGE_FLOOR_LABEL[r.mode].padEnd(20)} ${String(r.rate).padStart(6)}  ${r.acceptedPerS.toFixed(0).padStart(10)}  ${String(r.failed).padStart(6)}  ${`${r.accepted} / ${r.stored} / ${r.claimed}`.padStart(27)}  ${lat.padStart(33)}  ${f3(r.edgePer1k).padStart(13)}  ${f3(r.natsPer1k).padStart(20)}  ${f3(r.loadgenPer1k).padStart(23)}`,
    );
  }
  return lines;
}

const streamCount = async (bus: Bus, stream: string): Promise<number> => (await bus.jsm.streams.info(stream)).state.messages;

/** Starts its own nats-server and load generator, measures each edge at each rate, and stops them. */
export async function measureEdgeFloor(o: { rates: readonly number[]; durationS: number; log: (line: string) => void }): Promise<EdgeFloorRow[]> {
  const work = mkdtempSync(join(tmpdir(), 'smsmesh-edge-floor-'));
  const nats = await startNatsServer({ port: await freePort(), storeDir: join(work, 'nats') });
  const bus = await connectBus({ url: nats.url, name: 'bench-hops-edge', log: noopLogger });
  const fleet = await LoadFleet.start(1);
  try {
    return await measureEach({ ...o, bus, natsUrl: nats.url, natsPid: nats.child.pid!, fleet });
  } finally {
    await fleet.close();
    await bus.close();
    await nats.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function measureEach(o: {
  bus: Bus;
  natsUrl: string;
  natsPid: number;
  fleet: LoadFleet;
  rates: readonly number[];
  durationS: number;
  log: (line: string) => void;
}): Promise<EdgeFloorRow[]> {
  // File storage and a deduplication window, as SMS_MT has; claims are one per key, as the idempotency bucket's are.
  await o.bus.jsm.streams.add({ name: 'HOP_EDGE', subjects: ['hop.edge.>'], storage: StorageType.File, retention: RetentionPolicy.Limits, duplicate_window: 120e9 });
  await o.bus.jsm.streams.add({ name: 'HOP_CLAIM', subjects: ['hop.claim.>'], storage: StorageType.File, retention: RetentionPolicy.Limits, max_msgs_per_subject: 1 });
  const rows: EdgeFloorRow[] = [];
  let tag = 0;
  for (const mode of EDGE_FLOOR_MODES) {
    const child = fork(join(HERE, 'hop-http-child.js'), [mode, o.natsUrl], { execArgv: ['--single-threaded-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    killOnExit(child);
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`the ${mode} edge exited with ${code} before it listened`)));
    });
    const target = { kind: 'smsmesh' as const, urls: [`http://127.0.0.1:${port}`], apiKey: 'floor', keys: mode === 'claim-store' };
    const run = (rate: number, total: number) => o.fleet.run({ target, rate, total, maxInFlight: 2000, sockets: 256, runTag: `floor-${Date.now()}-${++tag}` });
    await run(500, 1000); // warm-up: sockets and JIT, unmeasured
    for (const rate of o.rates) {
      o.log(`edge floor: ${EDGE_FLOOR_LABEL[mode]}, ${rate}/s for ${o.durationS} s…`);
      const [m0, c0] = [await streamCount(o.bus, 'HOP_EDGE'), await streamCount(o.bus, 'HOP_CLAIM')];
      const loadPids = o.fleet.pids();
      const cpu = (): [number, number, number] => [cpuSecondsOf(child.pid!), cpuSecondsOf(o.natsPid), loadPids.reduce((s, p) => s + cpuSecondsOf(p), 0)];
      const [e0, n0, load0] = cpu();
      const res = await run(rate, Math.round(rate * o.durationS));
      const [e1, n1, load1] = cpu();
      const [edgeS, natsS, loadgenS] = [e1 - e0, n1 - n0, load1 - load0];
      const [m1, c1] = [await streamCount(o.bus, 'HOP_EDGE'), await streamCount(o.bus, 'HOP_CLAIM')];
      const failed = Object.values(res.errors).reduce((s, v) => s + v, 0) + res.dropped + res.abandoned;
      rows.push(
        edgeFloorRow({
          mode,
          rate,
          accepted: res.accepted,
          failed,
          stored: m1 - m0,
          claimed: c1 - c0,
          wallS: res.elapsedMs / 1000,
          edgeS,
          natsS,
          loadgenS,
          p50: res.latency.percentileMs(50),
          p95: res.latency.percentileMs(95),
          p99: res.latency.percentileMs(99),
          p999: res.latency.percentileMs(99.9),
        }),
      );
    }
    child.send('stop');
    await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  return rows;
}
