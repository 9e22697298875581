/** The connector role: one bind actor per configured bind of every carrier, and the bind-status responder. */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Subscription } from '@nats-io/transport-node';
import { decodeMt } from '../bus/codec.js';
import type { Bus } from '../bus/connection.js';
import type { DeadLetterSink } from '../bus/dead-letters.js';
import type { Publisher } from '../bus/publisher.js';
import { openPullConsumer } from '../bus/pull-consumer.js';
import { Buckets, Durables, Streams, Subjects } from '../bus/subjects.js';
import { ensureBucket, openKvStore, type KvStore } from '../bus/kv-store.js';
import { bindTpsCap, isCoordinated, type CarrierConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { MtMessage } from '../sms/message.js';
import type { ConnectorMetrics } from '../metrics/connector.js';
import { bindSession, type BindOptions } from '../smpp/client.js';
import { createBindActor, type BindActor, type BindInfo } from './bind-actor.js';
import { createEventSink } from './event-sink.js';
import { startCarrierCoordinator, type CarrierCoordinator } from './carrier-coordinator.js';
import { createSenderPacer, type SenderPacer } from './sender-pacer.js';
import { checkJournalDir, createSpillJournal, type SpillJournal } from './spill-journal.js';

/** One bind as a connector reports it, with the process it runs in (several connectors answer one request). */
export interface BindStatus extends BindInfo {
  connector: string;
}

export interface Connector {
  binds(): BindStatus[];
  stop(timeoutMs: number): Promise<void>;
}

function tlsOptions(c: CarrierConfig): BindOptions['tls'] {
  const t = c.smpp.tls;
  if (t === false) return false;
  if (t === true) return { rejectUnauthorized: true };
  return {
    rejectUnauthorized: t.rejectUnauthorized,
    ...(t.caFile ? { ca: readFileSync(t.caFile) } : {}),
    ...(t.servername ? { servername: t.servername } : {}),
  };
}

export async function startConnector(deps: {
  bus: Bus;
  publisher: Publisher;
  deadLetters: DeadLetterSink;
  carriers: readonly CarrierConfig[];
  metrics: ConnectorMetrics;
  log: Logger;
  /** Reconnect jitter source of every bind (default Math.random). */
  random?: () => number;
  /** How long a receipt or MO waits for NATS before it is journaled (default 5 s). */
  receiptHoldMs?: number;
  /** The local journal for receipts and MO while NATS is away; without it they are refused (ESME_RX_T_APPN). */
  journal?: { dir: string; maxBytes: number };
  /** Whether a message was canceled by its client (checked before every submit). */
  isCanceled?: (id: string) => boolean;
  /** Replicas of the bind-slot lease bucket (created when a carrier has accountTps or maxBinds; default 1). */
  leaseReplicas?: number;
  /** Whether an operator paused a carrier (checked before every fetch). */
  isPaused?: (carrier: string) => boolean;
  /** Names this process in bind reports (default host:pid). */
  name?: string;
}): Promise<Connector> {
  const actors: BindActor[] = [];
  const coordinators: CarrierCoordinator[] = [];
  const holder = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  let leases: KvStore | undefined;
  async function leaseBucket(): Promise<KvStore> {
    if (leases) return leases;
    // Kept a day at most: liveness is judged by revisions changing, not by the bucket's age limit, which only
    // clears slots of carriers no longer configured.
    await ensureBucket(deps.bus, { name: Buckets.carrierLeases, ttlMs: 86_400_000, storage: 'file', replicas: deps.leaseReplicas ?? 1 });
    leases = await openKvStore(deps.bus, Buckets.carrierLeases, 1000);
    return leases;
  }
  const receiptHoldMs = deps.receiptHoldMs ?? 5000;
  let journal: SpillJournal | undefined;
  if (deps.journal) {
    checkJournalDir(deps.journal.dir);
    journal = createSpillJournal({ ...deps.journal, log: deps.log.child({ component: 'journal' }) });
  }
  for (const c of deps.carriers) {
    const source = await openPullConsumer<MtMessage>(deps.bus.js, {
      stream: Streams.mt,
      durable: Durables.connector(c.id),
      decode: (m) => {
        const mt = decodeMt(m.data);
        // Published straight to the bus under another carrier's subject: routing that this bind cannot honour.
        if (mt.carrier !== c.id) throw new Error(`carrier "${mt.carrier}" in a message on ${m.subject}`);
        return mt;
      },
      deadLetters: deps.deadLetters,
      log: deps.log,
    });
    const events = createEventSink({ carrier: c.id, publisher: deps.publisher, deadlineMs: 20_000, receiptDeadlineMs: receiptHoldMs });
    const pacer: SenderPacer | undefined = c.senderTps.length > 0 ? createSenderPacer(c.senderTps) : undefined;
    const cap = bindTpsCap(c);
    let coordinator: CarrierCoordinator | undefined;
    let tps = cap;
    if (isCoordinated(c)) {
      const maxBinds = c.maxBinds ?? c.binds + c.receiverBinds;
      coordinator = startCarrierCoordinator({
        carrier: c.id,
        accountTps: c.accountTps,
        maxBinds,
        bindCap: cap,
        ttlMs: c.leaseTtlMs,
        kv: await leaseBucket(),
        nc: deps.bus.nc,
        holder,
        metrics: deps.metrics,
        log: deps.log,
        onShare: (share) => pacer?.setShare(share),
      });
      coordinators.push(coordinator);
      // Until the coordinator says otherwise, the share that is safe whatever the other processes do.
      if (c.accountTps !== undefined) tps = Math.min(cap, c.accountTps / maxBinds);
    }
    const total = c.binds + c.receiverBinds;
    for (let n = 1; n <= total; n++) {
      const receiver = n > c.binds;
      const bindLog = deps.log.child({ component: 'smpp', carrier: c.id, bindNo: n });
      actors.push(
        createBindActor({
          carrier: c.id,
          bindNo: n,
          sendsMessages: !receiver && c.smpp.bindMode !== 'receiver',
          tps,
          window: c.window,
          submit: {
            concat: c.concat,
            gsm7Packed: c.gsm7Packed,
            gsmDataCoding: c.gsmDataCoding,
            registeredDelivery: c.registeredDelivery,
            sourceTon: c.sourceTon,
            sourceNpi: c.sourceNpi,
          },
          retry: { maxAttempts: c.maxAttempts, baseDelayMs: 1000, maxDelayMs: 60_000 },
          receiptIdFormat: c.receiptIdFormat,
          connect: (onRequest) =>
            bindSession({
              onRequest,
              host: c.smpp.host,
              port: c.smpp.port,
              tls: tlsOptions(c),
              mode: receiver ? 'receiver' : c.smpp.bindMode,
              systemId: c.smpp.systemId,
              password: c.smpp.password,
              systemType: c.smpp.systemType,
              interfaceVersion: c.smpp.interfaceVersion,
              addressRange: c.smpp.addressRange,
              connectTimeoutMs: 5000,
              bindTimeoutMs: 10_000,
              session: {
                windowSize: c.window,
                responseTimeoutMs: c.responseTimeoutMs,
                enquireLinkIntervalMs: c.enquireLinkMs,
                enquireLinkTimeoutMs: Math.max(5000, Math.min(c.enquireLinkMs, 30_000)),
                log: bindLog,
              },
            }),
          source,
          publisher: deps.publisher,
          events,
          journal,
          receiptHoldMs,
          metrics: deps.metrics,
          log: deps.log,
          ...(deps.random ? { random: deps.random } : {}),
          reconnectMaxMs: c.reconnectMaxMs,
          ...(deps.isCanceled ? { isCanceled: deps.isCanceled } : {}),
          coordinator,
          pacer,
          ...(deps.isPaused ? { isPaused: () => deps.isPaused!(c.id) } : {}),
        }),
      );
    }
  }
  for (const a of actors) a.start();

  // What was journaled during an outage goes into JetStream as soon as NATS is back (and at start, for what a
  // previous process on this host left behind).
  let replayTimer: NodeJS.Timeout | undefined;
  const replayed = deps.metrics.journalReplayed;
  const replayLoop = (): void => {
    replayTimer = setTimeout(() => {
      const j = journal;
      if (!j || !deps.bus.connected() || !j.pending()) return replayLoop();
      void j
        .replay(async (e) => {
          await deps.publisher.publish(e.subject, Buffer.from(e.data, 'base64'), { msgID: e.msgId, deadlineMs: 10_000 });
          replayed.inc();
        })
        .finally(replayLoop);
    }, 1000);
    replayTimer.unref();
  };
  if (journal) replayLoop();

  const name = deps.name ?? `${hostname()}:${process.pid}`;
  const binds = (): BindStatus[] => actors.map((a) => ({ ...a.info(), connector: name }));
  const sub: Subscription = deps.bus.nc.subscribe(Subjects.bindStatus, {
    callback: (_err, m) => {
      m.respond(new TextEncoder().encode(JSON.stringify(binds())));
    },
  });

  return {
    binds,
    async stop(timeoutMs) {
      sub.unsubscribe();
      await Promise.all(actors.map((a) => a.stop(timeoutMs)));
      await Promise.all(coordinators.map((c) => c.stop()));
      clearTimeout(replayTimer);
      await journal?.close();
    },
  };
}
