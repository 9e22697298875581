/**
 * Several processes creating the topology at once, as every first rollout does (edge, connector, status writer and
 * callbacks start together). On nats-server 2.9 a second, concurrent add of a stream that reserves bytes (SMS_MT
 * reserves nats.maxBacklogBytes) is answered "insufficient storage resources available" when the store cannot hold
 * the reservation twice, although the stream it asks for is already there: a stand-in cluster run saw a role fail its
 * start that way. Each process must end with the topology in place and no error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuckets } from '../../internal/bus/buckets.js';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { Durables, Streams } from '../../internal/bus/subjects.js';
import { ensureTopology, readTopologyDefs, type TopologyOptions } from '../../internal/bus/topology.js';
import { noopLogger } from '../../internal/log/logger.js';
import { startNatsServer, type NatsProcess } from '../../tools/devstack/nats-process.js';
import { tempDir } from '../support/gateway.js';
import { freePort } from '../support/ports.js';

const PROCESSES = 4;
const ROUNDS = 5;
const opts: TopologyOptions = {
  replicas: 1,
  duplicateWindowMs: 120_000,
  // More than half the store: the reservation fits once, never twice (as in the dev overlay, 1 GiB of 1800M).
  maxBacklogBytes: 1024 ** 3,
  connectorAckWaitMs: 30_000,
  carriers: [
    { id: 'uk', binds: 2, window: 10 },
    { id: 'de', binds: 1, window: 10 },
  ],
};
const buckets = { replicas: 1, idempotencyTtlMs: 600_000, idempotencyStorage: 'file' as const, maxAheadMs: 86_400_000 };

describe('the topology created by several processes at once', () => {
  const dir = tempDir('smsmesh-topology-race-');
  let nats: NatsProcess;
  const buses: Bus[] = [];

  beforeAll(async () => {
    const conf = join(dir.path, 'nats.conf');
    writeFileSync(conf, 'jetstream {\n  max_file_store: 1800M\n  max_memory_store: 64M\n}\n');
    mkdirSync(join(dir.path, 'store'));
    nats = await startNatsServer({ port: await freePort(), storeDir: join(dir.path, 'store'), extraArgs: ['-c', conf] });
    for (let i = 0; i < PROCESSES; i++) buses.push(await connectBus({ url: nats.url, name: `topology-race-${i}`, log: noopLogger }));
  });

  afterAll(async () => {
    for (const b of buses) await b.close();
    await nats?.stop();
    dir.remove();
  });

  it('leaves every process started and every stream, consumer and bucket in place, round after round', async () => {
    const defs = readTopologyDefs();
    const jsm = buses[0]!.jsm;
    for (let round = 1; round <= ROUNDS; round++) {
      // A fresh server each round, as far as the topology goes: nothing exists when the processes start.
      for await (const s of jsm.streams.list()) await jsm.streams.delete(s.config.name);
      const outcomes = await Promise.allSettled(
        buses.map(async (b) => {
          await ensureTopology(b.jsm, opts);
          await ensureBuckets(b, buckets);
        }),
      );
      const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`process ${i}: ${String(o.reason)}`] : []));
      expect(failed, `round ${round}`).toEqual([]);

      const streams: string[] = [];
      for await (const s of jsm.streams.list()) streams.push(s.config.name);
      expect(streams.filter((s) => !s.startsWith('KV_')).sort(), `round ${round}`).toEqual(defs.streams.map((s) => s.name).sort());
      expect(streams.filter((s) => s.startsWith('KV_')).length, `round ${round}`).toBe(7);
      expect((await jsm.streams.info(Streams.mt)).config.max_bytes).toBe(opts.maxBacklogBytes);
      for (const carrier of opts.carriers) expect((await jsm.consumers.info(Streams.mt, Durables.connector(carrier.id))).config.filter_subject).toBe(`sms.mt.${carrier.id}`);
    }
  });

  it('still fails a start whose stream cannot be created at all, with the server\'s reason', async () => {
    const jsm = buses[0]!.jsm;
    for await (const s of jsm.streams.list()) await jsm.streams.delete(s.config.name);
    // A reservation larger than the whole store: no process created it, so there is nothing to adopt.
    const outcomes = await Promise.allSettled(buses.map((b) => ensureTopology(b.jsm, { ...opts, maxBacklogBytes: 4 * 1024 ** 3 })));
    for (const o of outcomes) expect(o.status === 'rejected' ? String(o.reason) : 'started').toMatch(/insufficient storage/);
    await expect(jsm.streams.info(Streams.mt)).rejects.toThrow(/not found/);
  });
});
