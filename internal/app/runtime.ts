/**
 * What every gateway process shares: config, logger, metrics registry, the NATS bus with its topology,
 * and (when the role needs it) the database. Roles are started on top of one Runtime.
 */
import type { Registry } from 'prom-client';
import type { Bus } from '../bus/connection.js';
import { connectBus } from '../bus/connection.js';
import { BACKGROUND_FLUSH_MS } from '../bus/write-coalescing.js';
import { createDeadLetterSink, type DeadLetterSink } from '../bus/dead-letters.js';
import { createPublisher, type Publisher } from '../bus/publisher.js';
import { ensureBuckets } from '../bus/buckets.js';
import type { Config } from '../config/load.js';
import { openDatabase, pingDatabase, type Database } from '../db/client.js';
import { createPgStatusStore } from '../status/pg-status-store.js';
import type { StatusStore } from '../status/status-store.js';
import type { Logger } from '../log/logger.js';
import { createBusMetrics } from '../metrics/bus.js';
import { createRegistry } from '../metrics/registry.js';
import { ensureTopologyAtStart, retryWhileJetStreamBusy } from './topology-at-start.js';
import { join } from 'node:path';

export interface Runtime {
  config: Readonly<Config>;
  log: Logger;
  registry: Registry;
  bus: Bus;
  /** Durable publishes (PubAck awaited, retried with the same id). */
  publisher: Publisher;
  /** Where every consumer of this process sends messages it cannot process. */
  deadLetters: DeadLetterSink;
  database: Database | undefined;
  store: StatusStore | undefined;
  close(): Promise<void>;
}

export async function openRuntime(opts: {
  config: Readonly<Config>;
  log: Logger;
  name: string;
  withDatabase: boolean;
  /** Told what start-up waits for now (the startup probe's /readyz reason). */
  onPhase?: (detail: string) => void;
  /**
   * Whether a role of this process waits on its NATS round trips (role-needs.ts): then its writes leave at the end
   * of each loop turn, else they are held up to BACKGROUND_FLUSH_MS to leave together.
   */
  paceSetByRoundTrips?: boolean;
}): Promise<Runtime> {
  const { config, log } = opts;
  const registry = createRegistry({ role: opts.name });
  opts.onPhase?.(`waiting for NATS at ${config.natsUrl}`);
  const flushDelayMs = opts.paceSetByRoundTrips === false ? BACKGROUND_FLUSH_MS : 0;
  const bus = await connectBus({ url: config.natsUrl, name: `smsmesh-${opts.name}`, log, flushDelayMs });
  const busMetrics = createBusMetrics(registry, () => bus.connected(), config.carriers.map((c) => c.id));
  opts.onPhase?.('creating JetStream streams, consumers and buckets');
  await ensureTopologyAtStart(
    bus.jsm,
    {
      replicas: config.nats.replicas,
      duplicateWindowMs: config.nats.duplicateWindowMs,
      maxBacklogBytes: config.nats.maxBacklogBytes,
      connectorAckWaitMs: config.nats.ackWaitMs,
      deadLetterMaxAgeMs: config.nats.deadLetterMaxAgeMs,
      carriers: config.carriers,
      scheduling: config.scheduling,
    },
    log,
  );
  const buckets = {
    replicas: config.nats.replicas,
    idempotencyTtlMs: config.idempotency.ttlMs,
    idempotencyStorage: config.idempotency.storage,
    maxAheadMs: config.scheduling.maxAheadMs,
  };
  await retryWhileJetStreamBusy('creating key-value buckets', () => ensureBuckets(bus, buckets), log);
  const publisher = createPublisher(bus);
  const deadLetters = createDeadLetterSink({
    publisher,
    log,
    onDeadLetter: (stream, reason, subject) => busMetrics.deadLettered(stream, reason, subject),
  });
  let database: Database | undefined;
  let store: StatusStore | undefined;
  if (opts.withDatabase) {
    opts.onPhase?.('opening the database');
    database = await openDatabase({
      url: config.databaseUrl,
      dataDir: join(config.dataDir, 'pglite'),
      log: log.child({ component: 'db' }),
    });
    store = createPgStatusStore(database);
    log.info({ database: database.kind }, 'database ready');
  }
  return {
    config,
    log,
    registry,
    bus,
    publisher,
    deadLetters,
    database,
    store,
    async close() {
      await bus.close();
      await database?.close();
    },
  };
}

export function dbPinger(rt: Runtime): (() => Promise<void>) | undefined {
  const db = rt.database;
  return db ? () => pingDatabase(db) : undefined;
}
