/**
 * Durable publish to JetStream: resolves only after the PubAck. A publish that times out may still have
 * been stored, so retries reuse the same Nats-Msg-Id and the stream deduplicates them.
 */
import { AppError, errorMessage } from '../core/errors.js';
import type { Bus } from './connection.js';
import { JS_STORE_FAILED, PubAckError, type PublishAck } from './pub-ack-inbox.js';

export class BusUnavailableError extends AppError {
  override readonly name = 'BusUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('BUS_UNAVAILABLE', message, options);
  }
}

/** The stream refused to store the message until the deadline: its limit is reached (e.g. SMS_MT's max_bytes). */
export class StreamFullError extends AppError {
  override readonly name = 'StreamFullError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('STREAM_FULL', message, options);
  }
}

const isStoreRefusal = (err: unknown): boolean => err instanceof PubAckError && err.code === JS_STORE_FAILED;

export interface PublishOptions {
  msgID: string;
  /** Total time budget for the publish including retries. */
  deadlineMs: number;
  /** Message headers besides Nats-Msg-Id. */
  headers?: Readonly<Record<string, string>>;
  /**
   * While NATS is disconnected, wait (within the deadline) for it to come back instead of failing at once. For
   * what an SMSC hands us (receipts, MO), where holding the answer briefly beats refusing it; never for the edge,
   * whose clients are better served by a quick 503.
   */
  waitForConnection?: boolean;
}

export interface Publisher {
  publish(subject: string, data: Uint8Array, opts: PublishOptions): Promise<PublishAck>;
}

export function createPublisher(bus: Bus, hooks: { onRetry?: () => void } = {}): Publisher {
  return {
    async publish(subject, data, { msgID, deadlineMs, headers, waitForConnection }) {
      const deadline = Date.now() + deadlineMs;
      if (!bus.connected() && !(waitForConnection && (await bus.waitConnected(deadlineMs)))) {
        throw new BusUnavailableError('NATS is not connected');
      }
      let attempt = 0;
      for (;;) {
        const left = deadline - Date.now();
        try {
          return await bus.pubAcks.publish(subject, data, msgID, Math.max(100, Math.min(left, 2000)), headers);
        } catch (err) {
          attempt++;
          // The stream refused it (full, a limit): asking again at once gives the same answer.
          const refused = err instanceof PubAckError && err.reason === 'rejected';
          if (refused || Date.now() + 50 >= deadline || (!bus.connected() && !(waitForConnection && (await bus.waitConnected(deadline - Date.now()))))) {
            // A stream at its limit is not an outage: the caller can say so (the backlog is full).
            const Failure = isStoreRefusal(err) ? StreamFullError : BusUnavailableError;
            throw new Failure(`JetStream publish failed after ${attempt} attempt(s): ${errorMessage(err)}`, {
              cause: err,
            });
          }
          hooks.onRetry?.();
          await new Promise((r) => setTimeout(r, Math.min(50 * attempt, 250)));
        }
      }
    },
  };
}
