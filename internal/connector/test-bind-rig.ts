/**
 * Test support: one bind actor without NATS or a socket — a fake work source, fake SMPP sessions (one per connect)
 * and a fake clock — with what it stored as events and when it tried to connect.
 */
import { Registry } from 'prom-client';
import { fakeWorkSource, type FakeWorkSource } from '../bus/test-work-source.js';
import type { Publisher } from '../bus/publisher.js';
import { fakeClock, type FakeClock } from '../core/clock.js';
import { noopLogger } from '../log/logger.js';
import { createConnectorMetrics } from '../metrics/connector.js';
import { BindRejectedError } from '../smpp/errors.js';
import type { FailedEvent, ReceiptEvent, SubmittedEvent } from '../sms/events.js';
import type { MtMessage } from '../sms/message.js';
import { createBindActor, type BindActor } from './bind-actor.js';
import type { EventSink } from './event-sink.js';
import { defaultRetryPolicy } from './outcome.js';
import { fakeSession, type FakeSession } from './test-session.js';
import type { SenderPacer } from './sender-pacer.js';

export interface BindRig {
  clock: FakeClock;
  source: FakeWorkSource<MtMessage>;
  sessions: FakeSession[];
  /** The latest session. */
  session(): FakeSession;
  actor: BindActor;
  submitted: SubmittedEvent[];
  failed: FailedEvent[];
  /** When each connect was tried, on the fake clock. */
  connects: number[];
  /** The next this many connects fail (the SMSC refuses the connection, or the bind with `refuseWith`). */
  failConnects: number;
  /** A bind status to refuse with instead of a refused connection. */
  refuseWith: number | undefined;
  /** Stops the actor, answering whatever is outstanding. */
  stop(): Promise<void>;
  /** A counter's total over its labels (0 when never counted). */
  metric(name: string): Promise<number>;
}

export interface BindRigOptions {
  tps: number;
  window: number;
  throttlePauseMs?: number;
  /** The reconnect jitter's draws (default 0.5). */
  random?: () => number;
  /** The carrier's reconnectMaxMs (default: the bind actor's). */
  reconnectMaxMs?: number;
  /** Ids canceled by their clients. */
  canceled?: ReadonlySet<string>;
  /** The carrier's senderTps pacing. */
  pacer?: SenderPacer;
}

const unusedPublisher: Publisher = {
  publish: () => Promise.reject(new Error('no MO in these tests')),
};

let n = 0;
/** A one-part GSM message to a fresh number. */
export function testMt(text = 'hello', over: Partial<MtMessage> = {}): MtMessage {
  n++;
  return {
    id: `0190a0b0-0000-7000-8000-${String(n).padStart(12, '0')}`,
    clientId: 'c1',
    carrier: 'acme',
    to: `+4477009${String(n).padStart(5, '0')}`,
    from: 'ACME',
    text,
    encoding: 'gsm7',
    segments: 1,
    acceptedAt: 0,
    ...over,
  };
}

/** Lets promise and immediate callbacks run (the actor's loop awaits between steps). */
export async function turns(k = 5): Promise<void> {
  for (let i = 0; i < k; i++) await new Promise<void>((r) => setImmediate(r));
}

export function startBindRig(o: BindRigOptions): BindRig {
  const clock = fakeClock(1_000_000);
  const source = fakeWorkSource<MtMessage>();
  const sessions: FakeSession[] = [];
  const submitted: SubmittedEvent[] = [];
  const failed: FailedEvent[] = [];
  const connects: number[] = [];
  const registry = new Registry();
  const events: EventSink = {
    async submitted(evs) {
      submitted.push(...evs);
    },
    async receipt(_ev: ReceiptEvent) {},
    async failed(ev) {
      failed.push(ev);
    },
  };
  const rig: BindRig = {
    clock,
    source,
    sessions,
    session: () => sessions[sessions.length - 1]!,
    actor: undefined as unknown as BindActor,
    submitted,
    failed,
    connects,
    failConnects: 0,
    refuseWith: undefined,
    async stop() {
      for (const s of sessions) for (const x of [...s.outstanding]) x.respond(0, 'x');
      const stopping = rig.actor.stop(100);
      await clock.advanceAsync(3000, 50);
      await stopping;
    },
    async metric(name) {
      const m = await registry.getSingleMetric(name)?.get();
      return m ? m.values.reduce((a, v) => a + v.value, 0) : 0;
    },
  };
  rig.actor = createBindActor({
    carrier: 'acme',
    bindNo: 1,
    sendsMessages: true,
    tps: o.tps,
    window: o.window,
    submit: { concat: 'udh8', gsm7Packed: false, gsmDataCoding: 0, registeredDelivery: true },
    retry: defaultRetryPolicy,
    receiptIdFormat: 'as-is',
    connect: async () => {
      connects.push(clock.now());
      if (rig.failConnects > 0) {
        rig.failConnects--;
        if (rig.refuseWith !== undefined) throw new BindRejectedError(rig.refuseWith);
        throw new Error('connection refused');
      }
      const s = fakeSession(o.window, () => clock.now());
      sessions.push(s);
      return s;
    },
    source,
    publisher: unusedPublisher,
    events,
    metrics: createConnectorMetrics(registry),
    log: noopLogger,
    clock,
    random: o.random ?? (() => 0.5),
    reconnectMaxMs: o.reconnectMaxMs,
    fetchExpiresMs: 2000,
    ...(o.throttlePauseMs !== undefined ? { throttlePauseMs: o.throttlePauseMs } : {}),
    ...(o.canceled ? { isCanceled: (id: string) => o.canceled!.has(id) } : {}),
    pacer: o.pacer,
  });
  rig.actor.start();
  return rig;
}
