/**
 * submit_sm/s of ONE bind at a given window: a fresh nats-server, the SMSC simulator in its own process
 * (receipts on), a backlog of messages preloaded into JetStream, and one connector process with one bind
 * and no TPS limit. The rate is taken between 10% and 90% of the backlog, so start-up does not count.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus } from '../../internal/bus/connection.js';
import { encodeMt } from '../../internal/bus/codec.js';
import { Subjects } from '../../internal/bus/subjects.js';
import { ensureTopology } from '../../internal/bus/topology.js';
import { packageRoot } from '../../internal/core/paths.js';
import { newMessageId } from '../../internal/core/ids.js';
import { startNatsServer } from '../devstack/nats-process.js';
import { noopLogger } from '../../internal/log/logger.js';
import { killOnExit } from '../shared/exit-guard.js';
import { startSimProcess } from './sim-process.js';
import { freePort } from './stack.js';

export interface BindThroughput {
  window: number;
  messages: number;
  submitsPerSecond: number;
  seconds: number;
}

export async function measureBindThroughput(o: { window: number; messages: number; log: (line: string) => void }): Promise<BindThroughput> {
  const work = mkdtempSync(join(tmpdir(), 'smsmesh-bench-bind-'));
  const nats = await startNatsServer({ port: await freePort(), storeDir: join(work, 'nats') });
  const sim = await startSimProcess({ port: 0 });
  const carrier = { id: 'bench', binds: 1, window: o.window };
  const config = {
    carriers: [
      {
        ...carrier,
        prefixes: ['+'],
        smpp: { host: '127.0.0.1', port: sim.port, systemId: 'bench', password: 'bench' },
        tps: 100_000,
        responseTimeoutMs: 5000,
      },
    ],
    clients: [{ id: 'bench', apiKey: 'bench-bind-throughput-key' }],
  };
  const configPath = join(work, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const bus = await connectBus({ url: nats.url, name: 'bench-bind', log: noopLogger });
  let child: ReturnType<typeof spawn> | undefined;
  try {
    await ensureTopology(bus.jsm, { replicas: 1, duplicateWindowMs: 120_000, maxBacklogBytes: 4 * 1024 ** 3, connectorAckWaitMs: 30_000, carriers: [carrier] });
    const at = Date.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < o.messages; i++) {
      const id = newMessageId(at);
      const to = `+4477${String(i).padStart(8, '0')}`;
      pending.push(
        bus.js.publish(Subjects.mt('bench'), encodeMt({ id, clientId: 'bench', carrier: 'bench', to, from: 'BENCH', text: `bench ${i}`, encoding: 'gsm7', segments: 1, acceptedAt: at }), { msgID: id }),
      );
      if (pending.length >= 1000) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);

    child = spawn(process.execPath, [join(packageRoot(), 'dist', 'cmd', 'connector.js')], {
      env: { ...process.env, SMSMESH_CONFIG: configPath, NATS_URL: nats.url, METRICS_PORT: String(await freePort()), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    killOnExit(child);
    const lo = Math.floor(o.messages * 0.1);
    const hi = Math.floor(o.messages * 0.9);
    let tLo = 0;
    let tHi = 0;
    const deadline = Date.now() + 300_000;
    for (;;) {
      const s = await sim.stats();
      const now = performance.now();
      if (!tLo && s.submits >= lo) tLo = now;
      if (s.submits >= hi) {
        tHi = now;
        break;
      }
      if (Date.now() > deadline) throw new Error(`window ${o.window}: only ${s.submits} of ${o.messages} submitted in time`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (tHi - tLo) / 1000;
    const result = { window: o.window, messages: o.messages, submitsPerSecond: Math.round((hi - lo) / seconds), seconds };
    o.log(`window ${String(o.window).padStart(3)}: ${result.submitsPerSecond} submit_sm/s (${hi - lo} submits in ${seconds.toFixed(2)} s)`);
    return result;
  } finally {
    child?.kill('SIGKILL');
    await bus.close();
    await sim.stop();
    await nats.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
