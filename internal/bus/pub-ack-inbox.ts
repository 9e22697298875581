/**
 * JetStream publishes with their PubAcks collected on one wildcard subscription.
 *
 * The client's own `js.publish` goes through a request per message: a promise, a timer and, in nats-core
 * 3.4, an Error object built on every successful reply (about 5 % of edge CPU under load). Here each
 * publish carries a reply subject `<inbox>.<n>`, one subscription receives every ack, pending publishes
 * live in a map, and one sweep timer expires them.
 */
import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { readStoredAck } from './pub-ack-read.js';
import { headerBlock } from './wire-headers.js';

export interface PublishAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

/** JetStream's err_code for a message the stream would not store: a limit reached with discard new (max_bytes, max_msgs). */
export const JS_STORE_FAILED = 10077;

export class PubAckError extends Error {
  override readonly name = 'PubAckError';
  constructor(
    message: string,
    /** `timeout`, `no-responders` (no stream takes the subject), `rejected` (the stream said no), `closed`. */
    readonly reason: 'timeout' | 'no-responders' | 'rejected' | 'closed',
    /** JetStream's err_code when the stream said no. */
    readonly code?: number,
  ) {
    super(message);
  }
}

interface Pending {
  resolve(a: PublishAck): void;
  reject(e: Error): void;
  deadline: number;
}

export interface PubAckInbox {
  /** `headers` are sent besides Nats-Msg-Id (which is `msgID`; none when it is empty, as for key-value writes). */
  publish(subject: string, data: Uint8Array, msgID: string, timeoutMs: number, headers?: Readonly<Record<string, string>>): Promise<PublishAck>;
  /** Publishes still waiting for their ack. */
  pending(): number;
  close(): void;
}

const SWEEP_MS = 50;

export function createPubAckInbox(nc: NatsConnection): PubAckInbox {
  const prefix = `${createInbox()}.`;
  const waiting = new Map<number, Pending>();
  let next = 0;

  function settle(m: Msg): void {
    const n = Number(m.subject.slice(prefix.length));
    const p = waiting.get(n);
    if (!p) return; // expired, its publisher has moved on
    waiting.delete(n);
    if (m.headers?.code === 503) {
      p.reject(new PubAckError('no JetStream stream takes this subject (no responders)', 'no-responders'));
      return;
    }
    const stored = readStoredAck(m.data);
    if (stored) {
      p.resolve(stored);
      return;
    }
    let body: { stream?: unknown; seq?: unknown; duplicate?: unknown; error?: { code?: unknown; err_code?: unknown; description?: unknown } };
    try {
      body = m.json();
    } catch {
      p.reject(new PubAckError('JetStream answered with something that is not a PubAck', 'rejected'));
      return;
    }
    if (body.error) {
      const code = typeof body.error.err_code === 'number' ? body.error.err_code : undefined;
      p.reject(new PubAckError(`JetStream rejected the publish: ${String(body.error.description ?? body.error.code)}`, 'rejected', code));
      return;
    }
    p.resolve({ stream: String(body.stream), seq: Number(body.seq), duplicate: body.duplicate === true });
  }

  const sub: Subscription = nc.subscribe(`${prefix}*`, { callback: (err, m) => (err ? undefined : settle(m)) });

  function failAll(reason: 'timeout' | 'closed', now: number): void {
    for (const [k, p] of waiting) {
      if (reason === 'closed' || p.deadline <= now) {
        waiting.delete(k);
        p.reject(new PubAckError(reason === 'closed' ? 'NATS connection closed' : 'no PubAck before the timeout', reason));
      }
    }
  }
  const sweep = setInterval(() => waiting.size > 0 && failAll('timeout', Date.now()), SWEEP_MS);
  sweep.unref();
  void nc.closed().then(() => {
    clearInterval(sweep);
    failAll('closed', 0);
  });

  return {
    publish(subject, data, msgID, timeoutMs, extra) {
      return new Promise<PublishAck>((resolve, reject) => {
        const n = next++;
        try {
          nc.publish(subject, data, { reply: prefix + n, headers: headerBlock(msgID, extra) });
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        waiting.set(n, { resolve, reject, deadline: Date.now() + timeoutMs });
      });
    },
    pending: () => waiting.size,
    close() {
      clearInterval(sweep);
      sub.unsubscribe();
      failAll('closed', 0);
    },
  };
}
