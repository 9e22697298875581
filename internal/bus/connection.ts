/** Connects to NATS (reconnecting forever), tracks whether the link is up, and exposes JetStream handles. */
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../log/logger.js';
import { createPubAckInbox, type PubAckInbox } from './pub-ack-inbox.js';
import { coalesceWrites } from './write-coalescing.js';

export interface Bus {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Durable publishes: resolve on the stream's PubAck. */
  pubAcks: PubAckInbox;
  /** False while the client is disconnected/reconnecting: callers fail fast instead of waiting. */
  connected(): boolean;
  /** Resolves true once connected (at once when it is), false after `timeoutMs` or when the client closes. */
  waitConnected(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** How often a process that cannot reach NATS at start says so. */
const WAITING_LOG_MS = 3000;

export async function connectBus(opts: {
  url: string;
  name: string;
  log: Logger;
  /** How long outgoing commands may wait to leave together (write-coalescing.ts); 0: to the end of the loop turn. */
  flushDelayMs?: number;
}): Promise<Bus> {
  const since = Date.now();
  const waiting = setInterval(
    () => opts.log.warn({ nats: opts.url, waitedS: Math.round((Date.now() - since) / 1000) }, `waiting for NATS at ${opts.url}`),
    WAITING_LOG_MS,
  );
  const nc = await connect({
    servers: opts.url.split(','),
    name: opts.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    // Without this the client builds two Error objects with stack traces for every request (publish
    // acks included): measured at 7–9% of gateway CPU.
    noAsyncTraces: true,
  }).finally(() => clearInterval(waiting));
  let up = true;
  let waiters: Array<(ok: boolean) => void> = [];
  const wakeWaiters = (ok: boolean): void => {
    const w = waiters;
    waiters = [];
    for (const f of w) f(ok);
  };
  opts.log.info({ server: nc.getServer() }, 'nats connected');
  if (!coalesceWrites(nc, opts.flushDelayMs ?? 0)) opts.log.warn('nats client internals changed: writes are not coalesced per event-loop turn');
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        up = false;
        opts.log.warn({ nats: s.type }, 'nats connection lost');
      } else if (s.type === 'reconnect') {
        up = true;
        opts.log.info({ nats: s.type }, 'nats reconnected');
        wakeWaiters(true);
      }
    }
  })();
  void nc.closed().then(() => wakeWaiters(false));
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  const js = jetstream(nc, { timeout: 5_000 });
  const pubAcks = createPubAckInbox(nc);
  return {
    nc,
    js,
    jsm,
    pubAcks,
    connected: () => up && !nc.isClosed(),
    waitConnected(timeoutMs) {
      if (up && !nc.isClosed()) return Promise.resolve(true);
      if (nc.isClosed()) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const t = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          resolve(false);
        }, timeoutMs);
        const done = (ok: boolean): void => {
          clearTimeout(t);
          resolve(ok);
        };
        waiters.push(done);
      });
    },
    async close() {
      // Publishes in flight get their acks before the subscription that receives them goes away.
      for (let waited = 0; pubAcks.pending() > 0 && waited < 5_000 && !nc.isClosed(); waited += 20) {
        await new Promise((r) => setTimeout(r, 20));
      }
      pubAcks.close();
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
