/**
 * What a consumer of the bus (a bind actor, the status writer, the MO writer) gets: one decoded message and the
 * means to settle it. The decision is a value; only the pull consumer turns it into a JetStream call.
 */

/** Why a message went to the dead-letter stream: a closed set, used as a metric label. */
export const DeadReasons = {
  /** The body could not be decoded at all (not JSON, wrong shape). */
  undecodable: 'undecodable',
  /** Decoded, but a consumer found it invalid (a field out of range, the wrong carrier). */
  invalid: 'invalid',
  /** Retried until the consumer's delivery limit without being settled. */
  maxDeliveries: 'max_deliveries',
} as const;
export type DeadReason = (typeof DeadReasons)[keyof typeof DeadReasons];

export type Settlement =
  /** Done: JetStream forgets the message (for this consumer). */
  | { kind: 'ack' }
  /** Deliver it again after `delayMs`. On the last attempt this becomes a dead letter instead. */
  | { kind: 'retry'; delayMs: number }
  /** Copy it with the reason into the dead-letter stream, then remove it from the work queue. */
  | { kind: 'dead'; reason: DeadReason; detail: string };

export interface Delivery<T> {
  readonly body: T;
  readonly subject: string;
  /** The message's sequence in its stream. */
  readonly seq: number;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  /**
   * When JetStream stored the message (ms since the epoch, by the NATS server's clock): for work published right
   * after a commit, when that commit happened, however late the consumer reads it.
   */
  readonly storedAt: number;
  /** The W3C traceparent header the message was published with, if any: for logs about it. */
  readonly traceparent?: string | undefined;
  /**
   * True when the consumer will not hand this message out again: a consumer that would retry must record a final
   * outcome now (a retry at this point is dead-lettered).
   */
  readonly lastAttempt: boolean;
  /** The first call counts; later calls are ignored. */
  settle(s: Settlement): void;
  /** Still being worked on: resets the consumer's ack timer so the message is not redelivered meanwhile. */
  inProgress(): void;
}

/** A running pull: `done` resolves when it ended (filled, expired, stopped or closed). */
export interface Pull {
  readonly done: Promise<void>;
  /** Ends the pull; messages already handed out stay valid and must still be settled. */
  close(): Promise<void>;
}

/**
 * Where decoded work comes from: a durable JetStream pull consumer in production, a fake in unit tests.
 * Undecodable messages never reach `onDelivery`: they are dead-lettered on the way.
 */
export interface WorkSource<T> {
  /** One pull of at most `max` messages, waiting up to `expiresMs` for them. */
  fetch(max: number, expiresMs: number, onDelivery: (d: Delivery<T>) => void): Pull;
  /**
   * A continuous pull keeping up to `maxMessages` buffered; `onDelivery` is awaited before the next message is
   * handed over, so a slow consumer slows the pull.
   */
  consume(maxMessages: number, onDelivery: (d: Delivery<T>) => Promise<void> | void): Pull;
}
