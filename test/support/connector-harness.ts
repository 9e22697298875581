/**
 * In-process connector harness: a private nats-server (startTestNats), the real topology (ensureTopology),
 * a real SMSC simulator over TCP, and the real connector (startConnector: bind actors built from a carrier
 * config parsed by the config schema, exactly as the connector role does). MT messages are published to
 * sms.mt.<carrier> with encodeMt, as the edge does; status events are read from SMS_EVENTS with a durable
 * consumer of the harness's own. Nothing under test is mocked.
 */
import { AckPolicy, DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import { encodeMt } from '../../internal/bus/codec.js';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { createPublisher, type Publisher } from '../../internal/bus/publisher.js';
import { Streams, Subjects } from '../../internal/bus/subjects.js';
import { createDeadLetterSink } from '../../internal/bus/dead-letters.js';
import { ensureTopology } from '../../internal/bus/topology.js';
import { carrierSchema, type CarrierConfig } from '../../internal/config/schema.js';
import { startConnector, type Connector } from '../../internal/connector/connector.js';
import { newMessageId } from '../../internal/core/ids.js';
import { createLogger, noopLogger, type Logger } from '../../internal/log/logger.js';
import { createConnectorMetrics, type ConnectorMetrics } from '../../internal/metrics/connector.js';
import { startSmscSimulator, type SimulatedSubmit, type SimulatorOptions, type SmscSimulator, type SubmitAttempt } from '../../tools/smsc-sim/simulator.js';
import type { ConcatMethod } from '../../internal/sms/analyze.js';
import { analyzeContent } from '../../internal/sms/content.js';
import type { FailedEvent, ReceiptEvent, StatusEvent, SubmittedEvent } from '../../internal/sms/events.js';
import type { MtMessage } from '../../internal/sms/message.js';
import { startTestNats, type TestNats } from './nats.js';

export const CARRIER = 'acme';

/** Carrier fields as in the config file, minus `smpp` (which points at the simulator). */
export type CarrierOverrides = Record<string, unknown>;

export interface HarnessOptions {
  carrier?: CarrierOverrides;
  sim?: SimulatorOptions;
  /** ack_wait of the connector consumer (default 30 s). */
  ackWaitMs?: number;
  /**
   * More of the carrier's smpp: section, given the simulator's port once it is known (e.g. a TLS proxy in front of
   * it: another port and `tls`).
   */
  smpp?: (simPort: number) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Start the connector at once (default true). */
  start?: boolean;
  /** HARNESS_LOG=debug|info|warn prints the gateway's logs; silent by default. */
  log?: Logger;
  /** The binds' reconnect jitter source (default Math.random). */
  random?: () => number;
  /** A directory for the connector's spill journal (none by default: receipts are refused while NATS is away). */
  journalDir?: string;
  /** How long receipts and MO wait for NATS before they are journaled (default 5 s). */
  receiptHoldMs?: number;
}

/** One MT to publish: what a client sent (clientRef and callbackUrl travel in the message's facts). */
export interface MtItem {
  to: string;
  text: string;
  from?: string;
  clientRef?: string;
  callbackUrl?: string;
}

export interface EventLog {
  all: StatusEvent[];
  submitted: SubmittedEvent[];
  receipts: ReceiptEvent[];
  failed: FailedEvent[];
}

export interface Harness {
  readonly nats: TestNats;
  readonly bus: Bus;
  readonly publisher: Publisher;
  /** The current simulator (replaced by restartSimulator). */
  readonly sim: SmscSimulator;
  readonly simPort: number;
  readonly registry: Registry;
  readonly metrics: ConnectorMetrics;
  readonly carrier: CarrierConfig;
  readonly connector: Connector | undefined;
  readonly events: EventLog;
  /** Every submit_sm every simulator of this harness received, in order. */
  readonly attempts: SubmitAttempt[];
  /** Every accepted submit_sm, in order. */
  readonly submits: SimulatedSubmit[];
  startConnector(): Promise<Connector>;
  stopConnector(timeoutMs?: number): Promise<void>;
  /** Builds MT messages (encoding and segment count as the edge computes them) and publishes them. */
  publish(items: readonly MtItem[]): Promise<MtMessage[]>;
  /** n messages to distinct numbers `+44<prefix><000000…>`, short GSM text. */
  publishMany(n: number, prefix: string): Promise<MtMessage[]>;
  /** Closes the simulator entirely (listener and sessions), waits `downMs`, starts a new one on the same port. */
  restartSimulator(downMs: number, opts?: SimulatorOptions): Promise<SmscSimulator>;
  /** Closes the simulator (listener and sessions) without starting another. */
  closeSimulator(): Promise<void>;
  /** Starts a simulator on the harness's port after closeSimulator. */
  openSimulator(opts?: SimulatorOptions): Promise<SmscSimulator>;
  /** A counter or gauge from the registry (0 when absent). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Submit attempts per destination (without '+'), from every simulator. */
  attemptsByDestination(): Map<string, number>;
  /** Final events by message id: submitted (all parts) or failed. */
  settled(ids: readonly string[]): { submitted: Set<string>; failed: Map<string, FailedEvent> };
  close(): Promise<void>;
}

export async function waitUntil(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function harnessLog(): Logger {
  const level = process.env.HARNESS_LOG;
  return level ? createLogger({ name: 'harness', level }) : noopLogger;
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const log = o.log ?? harnessLog();
  const nats = await startTestNats();
  const bus = await connectBus({ url: nats.url, name: 'connector-harness', log });
  const simOpts: SimulatorOptions = { host: '127.0.0.1', port: 0, ...o.sim };
  const attempts: SubmitAttempt[] = [];
  const submits: SimulatedSubmit[] = [];
  let sim = await startSmscSimulator(simOpts);
  const simPort = sim.port;
  const watch = (s: SmscSimulator): SmscSimulator => {
    s.onSubmitAttempt((a) => attempts.push(a));
    s.onSubmit((x) => submits.push(x));
    return s;
  };
  watch(sim);
  let simOpen = true;

  const carrier = carrierSchema.parse({
    id: CARRIER,
    prefixes: ['+44'],
    smpp: { host: '127.0.0.1', port: simPort, systemId: 'smsmesh', password: 'secret', ...(await o.smpp?.(simPort)) },
    enquireLinkMs: 5000,
    responseTimeoutMs: 2000,
    ...o.carrier,
  });
  const ackWaitMs = o.ackWaitMs ?? 30_000;
  await ensureTopology(bus.jsm, {
    replicas: 1,
    duplicateWindowMs: 120_000,
    maxBacklogBytes: 1024 ** 3,
    connectorAckWaitMs: ackWaitMs,
    carriers: [{ id: carrier.id, binds: carrier.binds, window: carrier.window }],
  });

  // Events: a durable of our own, so every event is seen whatever else consumes SMS_EVENTS.
  const events: EventLog = { all: [], submitted: [], receipts: [], failed: [] };
  await bus.jsm.consumers.add(Streams.events, {
    durable_name: 'harness-events',
    filter_subject: 'sms.evt.>',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(30_000),
    max_ack_pending: 100_000,
  });
  const eventIter: ConsumerMessages = await (await bus.js.consumers.get(Streams.events, 'harness-events')).consume({ max_messages: 1000 });
  const eventLoop = (async () => {
    for await (const m of eventIter) {
      // One event per bus message, or an array of them (batched); read both shapes.
      const v = JSON.parse(new TextDecoder().decode(m.data)) as StatusEvent | StatusEvent[];
      for (const ev of Array.isArray(v) ? v : [v]) {
        events.all.push(ev);
        if (ev.kind === 'submitted') events.submitted.push(ev);
        else if (ev.kind === 'receipt') events.receipts.push(ev);
        else if (ev.kind === 'failed') events.failed.push(ev);
      }
      m.ack();
    }
  })().catch(() => {});

  const registry = new Registry();
  const metrics = createConnectorMetrics(registry);
  const publisher = createPublisher(bus);
  const deadLetters = createDeadLetterSink({ publisher, log });
  let connector: Connector | undefined;

  async function startConn(): Promise<Connector> {
    if (connector) return connector;
    const c = await startConnector({
      bus,
      publisher,
      deadLetters,
      carriers: [carrier],
      metrics,
      log,
      ...(o.random ? { random: o.random } : {}),
      ...(o.journalDir ? { journal: { dir: o.journalDir, maxBytes: 16 * 1024 * 1024 } } : {}),
      ...(o.receiptHoldMs !== undefined ? { receiptHoldMs: o.receiptHoldMs } : {}),
    });
    metrics.setBindSource(() => c.binds());
    connector = c;
    return c;
  }

  function mtFor(item: MtItem): MtMessage {
    const a = analyzeContent(item.text, 'auto', carrier.concat as ConcatMethod);
    if (!a.ok) throw new Error(a.reason);
    const at = Date.now();
    const mt: MtMessage = { id: newMessageId(at), clientId: 'harness', carrier: carrier.id, to: item.to, from: item.from ?? 'ACME', text: item.text, encoding: a.encoding, segments: a.segments, acceptedAt: at };
    if (item.clientRef !== undefined) mt.clientRef = item.clientRef;
    if (item.callbackUrl !== undefined) mt.callbackUrl = item.callbackUrl;
    return mt;
  }

  async function publish(items: readonly MtItem[]): Promise<MtMessage[]> {
    const msgs = items.map(mtFor);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(64, msgs.length) }, async () => {
        while (next < msgs.length) {
          const m = msgs[next++]!;
          await publisher.publish(Subjects.mt(carrier.id), encodeMt(m), { msgID: m.id, deadlineMs: 10_000 });
        }
      }),
    );
    return msgs;
  }

  const h: Harness = {
    nats,
    bus,
    publisher,
    get sim() {
      return sim;
    },
    simPort,
    registry,
    metrics,
    carrier,
    get connector() {
      return connector;
    },
    events,
    attempts,
    submits,
    startConnector: startConn,
    async stopConnector(timeoutMs = 5000) {
      const c = connector;
      connector = undefined;
      await c?.stop(timeoutMs);
    },
    publish,
    publishMany(n, prefix) {
      return publish(Array.from({ length: n }, (_, i) => ({ to: `+44${prefix}${String(i).padStart(6, '0')}`, text: `hello ${i}` })));
    },
    async closeSimulator() {
      if (!simOpen) return;
      simOpen = false;
      await sim.close();
    },
    async openSimulator(opts) {
      sim = watch(await startSmscSimulator({ ...simOpts, ...opts, port: simPort }));
      simOpen = true;
      return sim;
    },
    async restartSimulator(downMs, opts) {
      await h.closeSimulator();
      await sleep(downMs);
      return h.openSimulator(opts);
    },
    async metric(name, labels = {}) {
      const m = registry.getSingleMetric(name);
      if (!m) return 0;
      const { values } = await m.get();
      let sum = 0;
      for (const v of values) {
        if (Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want)) sum += v.value;
      }
      return sum;
    },
    attemptsByDestination() {
      const by = new Map<string, number>();
      for (const a of attempts) by.set(a.destinationAddr, (by.get(a.destinationAddr) ?? 0) + 1);
      return by;
    },
    settled(ids) {
      const want = new Set(ids);
      const parts = new Map<string, Set<number>>();
      const total = new Map<string, number>();
      for (const e of events.submitted) {
        if (!want.has(e.id)) continue;
        let s = parts.get(e.id);
        if (!s) parts.set(e.id, (s = new Set()));
        s.add(e.part);
        total.set(e.id, e.parts);
      }
      const submitted = new Set<string>();
      for (const [id, s] of parts) if (s.size === total.get(id)) submitted.add(id);
      const failed = new Map<string, FailedEvent>();
      for (const e of events.failed) if (want.has(e.id)) failed.set(e.id, e);
      return { submitted, failed };
    },
    async close() {
      await h.stopConnector(2000).catch(() => {});
      await eventIter.close().catch(() => {});
      await eventLoop;
      await bus.close().catch(() => {});
      if (simOpen) await sim.close().catch(() => {});
      await nats.destroy();
    },
  };
  if (o.start !== false) await startConn();
  return h;
}

/** Counts per wall-clock second from a list of timestamps (ms), for seconds [from, to). */
export function perSecond(times: readonly number[], fromSecond: number, toSecond: number): number[] {
  const out = new Array<number>(Math.max(0, toSecond - fromSecond)).fill(0);
  for (const t of times) {
    const s = Math.floor(t / 1000) - fromSecond;
    if (s >= 0 && s < out.length) out[s]!++;
  }
  return out;
}
