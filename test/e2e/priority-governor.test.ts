/**
 * A connector niced by SMSMESH_NICE goes back to its starting priority while more messages wait for it than
 * SMSMESH_NICE_BACKLOG, and is niced again once it has caught up: the edge goes first only while that costs nothing.
 *
 * Twice: started as a child of the test (its nice value, which counts against the processes of its session), and in
 * a session of its own, as systemd starts a service (its session's autogroup, which is what counts between sessions
 * while the kernel's autogroups are on: cpu-priority.ts).
 */
import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autogroupNiceOf, autogroupsEnabled, threadIdsOf } from '../../internal/app/cpu-priority.js';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { pool, spawnGateway, tempDir, waitAllDelivered, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';

const API_KEY = 'governor-key-0123456789ab';
const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };

const autogroupsOn = autogroupsEnabled();

/** Whether every thread of the process (V8's helpers too) has the main thread's nice value. */
function threadsAgree(pid: number): boolean {
  const main = getPriority(pid);
  return threadIdsOf(pid).every((tid) => {
    try {
      return getPriority(tid) === main;
    } catch {
      return true; // ended meanwhile
    }
  });
}

const starts = [
  { start: 'in the test\'s session', ownSession: false, scope: 'process' },
  { start: 'in a session of its own', ownSession: true, scope: 'session' },
] as const;

describe.each(starts)('CPU priority of a niced connector started $start', ({ ownSession, scope }) => {
  let nats: TestNats;
  let smsc: SmscSimulator;
  let front: GatewayProcess;
  let connector: GatewayProcess;
  let dir: ReturnType<typeof tempDir>;
  let db: { url: string; drop(): Promise<void> };
  const started = getPriority();
  // What the scheduler weighs for this start, and what stays as it was. A new session's autogroup starts at 0. A test
  // run in the machine's first session (a CI job started by PID 1) has no autogroup: undefined, for it and its child.
  const priorityOf = (pid: number) => (ownSession ? autogroupNiceOf(pid) : getPriority(pid));
  const untouchedOf = (pid: number) => (ownSession ? getPriority(pid) : autogroupNiceOf(pid));
  const normal = ownSession ? 0 : started;
  let untouched: number | undefined;

  beforeAll(async () => {
    dir = tempDir('smsmesh-governor-');
    nats = await startTestNats();
    smsc = await startSmscSimulator({ port: 0 });
    db = await createTestDatabase();
    // One bind at 100 submit_sm/s: 600 messages keep a queue of hundreds for seconds.
    const configPath = writeConfig(dir.path, {
      apiKey: API_KEY,
      carriers: [{ id: 'uk', prefixes: ['+44'], port: smsc.port, binds: 1, window: 10, tps: 100 }],
    });
    front = await spawnGateway({ entry: 'smsmesh', args: ['--roles', 'edge,status-writer'], configPath, natsUrl: nats.url, databaseUrl: db.url, dataDir: dir.path, http: true, logDir: dir.path, name: 'front' });
    connector = await spawnGateway({
      entry: 'connector',
      configPath,
      natsUrl: nats.url,
      dataDir: dir.path,
      logDir: dir.path,
      name: 'connector',
      env: { SMSMESH_NICE: String(normal + 10), SMSMESH_NICE_BACKLOG: '200' },
      ownSession,
    });
    untouched = untouchedOf(process.pid);
  });

  afterAll(async () => {
    await connector?.stop();
    await front?.stop();
    await smsc?.close();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  it.skipIf(ownSession && !autogroupsOn)('is niced while nothing waits, back to normal while a queue waits, and niced again once it is delivered', async () => {
    const pid = connector.child.pid!;
    expect(priorityOf(pid)).toBe(normal + 10);
    expect(untouchedOf(pid)).toBe(untouched);
    // The process scope moves every thread with the main one (the governor sets the main thread first: a moment).
    const everyThread = () => waitFor('every thread at the main thread\'s nice value', async () => threadsAgree(pid), 2_000, 20);
    await everyThread();
    const numbers = Array.from({ length: 600 }, (_, i) => `+447704${String(i).padStart(6, '0')}`);
    const ids = await pool(numbers, 50, async (to) => {
      const r = await fetch(`${front.baseUrl}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ to, from: 'ACME', text: 'queued' }) });
      expect(r.status).toBe(202);
      return ((await r.json()) as { id: string }).id;
    });
    await waitFor('back to the starting priority', async () => priorityOf(pid) === normal, 10_000, 50);
    // Still well behind when it went back up: the queue, not the end of the load, moved it.
    expect(smsc.stats().submits).toBeLessThan(numbers.length - 200);
    await everyThread();
    await waitAllDelivered(front.baseUrl, headers, ids);
    expect(priorityOf(pid)).toBe(normal);
    // Thirty seconds under a tenth of the mark, then niced again.
    await waitFor('niced again', async () => priorityOf(pid) === normal + 10, 45_000, 200);
    expect(untouchedOf(pid)).toBe(untouched);
    await everyThread();
    const said = readFileSync(connector.logFile, 'utf8');
    expect(said).toContain(`"scope":"${scope}"`);
    expect(said).toMatch(/falling behind: back to normal CPU priority/);
    expect(said).toMatch(/caught up: background CPU priority again/);
  });
});
