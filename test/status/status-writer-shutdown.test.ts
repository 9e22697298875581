/**
 * SIGTERM on the status-writer command in the middle of a backlog, while its commit is held up (the test holds a lock
 * on the messages table, so the signal finds a batch committing, one sealed behind it and the pull buffer full): it
 * exits 0 with its last batches applied — every message JetStream had handed it committed and acked, none left to
 * come back after ack_wait — and a writer started afterwards applies the rest without redelivering any: nothing lost,
 * nothing applied twice.
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedFromMt, encodeEvents } from '../../internal/bus/codec.js';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { createPublisher } from '../../internal/bus/publisher.js';
import { Durables, Streams, Subjects } from '../../internal/bus/subjects.js';
import { newMessageId } from '../../internal/core/ids.js';
import { noopLogger } from '../../internal/log/logger.js';
import { spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';

let nats: TestNats;
let dir: ReturnType<typeof tempDir>;
let db: { url: string; drop(): Promise<void> };
let sql: postgres.Sql;
let bus: Bus;
let writer: GatewayProcess | undefined;
let configPath: string;
/** Closed in afterAll too, so that a failure while the lock is held cannot leave the writer blocked. */
const lockers: postgres.Sql[] = [];

const startWriter = () =>
  spawnGateway({ entry: 'status-writer', configPath, natsUrl: nats.url, databaseUrl: db.url, dataDir: dir.path, logDir: dir.path, name: 'writer' });

beforeAll(async () => {
  dir = tempDir('smsmesh-writer-stop-');
  nats = await startTestNats();
  db = await createTestDatabase();
  sql = postgres(db.url, { max: 1, onnotice: () => {} });
  configPath = writeConfig(dir.path, { apiKey: 'writer-stop-key-012345678', carriers: [{ id: 'uk', prefixes: ['+44'], port: 9 }] });
  bus = await connectBus({ url: nats.url, name: 'writer-stop-test', log: noopLogger });
});

afterAll(async () => {
  for (const l of lockers) await l.end({ timeout: 1 }).catch(() => {});
  await writer?.stop();
  await bus?.close();
  await sql?.end();
  await nats?.destroy();
  await db?.drop();
  dir?.remove();
});

const N = 20_000;

const rows = async (): Promise<number> => (await sql<{ n: number }[]>`select count(*)::int as n from messages`)[0]!.n;
const consumer = () => bus.jsm.consumers.info(Streams.events, Durables.statusWriter);

describe('status writer graceful shutdown', () => {
  it('applies and acks everything it took before exiting 0; a new writer applies the rest with no redelivery', async () => {
    writer = await startWriter();
    // Its commits are held from the start: an exclusive lock on messages (reads still go), until after the signal.
    const locker = postgres(db.url, { max: 1, onnotice: () => {} });
    lockers.push(locker);
    const lock = await locker.reserve();
    await lock`begin`;
    await lock`lock table messages in exclusive mode`;
    // A backlog of accepted messages, as edges publish them (the writer records each as a messages row): more than it
    // takes off the bus while it cannot commit (one batch committing, one sealed, a pull's worth buffered).
    const publisher = createPublisher(bus);
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < N) {
          const k = next++;
          const at = Date.now();
          const id = newMessageId(at);
          const mt = { id, clientId: 'c', carrier: 'uk', to: `+4477${String(k).padStart(8, '0')}`, from: 'ACME', text: 'x', encoding: 'gsm7' as const, segments: 1, acceptedAt: at };
          await publisher.publish(Subjects.accepted, encodeEvents([acceptedFromMt(mt)]), { msgID: id, deadlineMs: 10_000 });
        }
      }),
    );
    await waitFor('a writer insert waiting for the lock', async () => {
      const w = await sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and pid <> pg_backend_pid()`;
      return w[0]!.n > 0;
    }, 30_000, 20);
    await waitFor('the writer holding what it can', async () => (await consumer()).num_ack_pending > 0, 30_000, 20);
    const exited = new Promise<number | null>((r) => writer!.child.once('exit', (code) => r(code)));
    writer.child.kill('SIGTERM');
    const logFile = writer.logFile;
    await waitFor('the writer stopping', async () => readFileSync(logFile, 'utf8').includes('"msg":"stopping"'), 10_000, 20);
    await lock`commit`;
    lock.release();
    await locker.end();
    expect(await exited).toBe(0);
    writer = undefined;
    const atExit = await consumer();
    const applied = await rows();
    console.log(`[writer stop] SIGTERM with ${applied} of ${N} applied; handed out ${atExit.delivered.stream_seq}, acked ${atExit.ack_floor.stream_seq}, ack pending ${atExit.num_ack_pending}`);
    expect(applied).toBeLessThan(N);
    // What it was handed is what it committed, and all of it acked: nothing waits for ack_wait to come back.
    expect(atExit.num_ack_pending).toBe(0);
    expect(atExit.ack_floor.stream_seq).toBe(atExit.delivered.stream_seq);
    expect(applied).toBe(atExit.ack_floor.stream_seq);

    writer = await startWriter();
    await waitFor('the rest applied', async () => (await rows()) === N, 120_000, 100);
    await waitFor('all acked', async () => {
      const c = await consumer();
      return c.num_pending === 0 && c.num_ack_pending === 0;
    }, 30_000, 100);
    expect((await consumer()).num_redelivered).toBe(0);
    expect(await rows()).toBe(N);
  });
});
