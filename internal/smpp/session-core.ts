/**
 * What the parts of one session share. One object per session, handed to each part once when the
 * session is made, so the hot paths reach the session's state without a closure or lookup per call.
 */
import type { Clock } from '../core/clock.js';
import { CommandId } from './command-id.js';
import type { Logger } from './logger.js';
import type { PendingRequests } from './pending-requests.js';
import type { SessionCloseReason, SessionState } from './session-api.js';

export interface SessionCore {
  state: SessionState;
  closeReason: SessionCloseReason | undefined;
  readonly log: Logger;
  readonly clock: Clock;
  readonly pending: PendingRequests;
  readonly windowSize: number;
  /** A full window got room: onWritable fires once the chunk or sweep that freed it is done. */
  writableDue: boolean;
  /** Our own link check: its sequence (0 = none out) and when it went, 0 once anything came back. */
  linkCheckSeq: number;
  linkCheckSentAt: number;
  lastRx: number;
  unbinding: { sequence: number; done(): void; promise: Promise<void> } | undefined;
  write(buf: Buffer): void;
  close(reason?: SessionCloseReason, opts?: { flush?: boolean }): void;
  becomeBound(): void;
  emitWritable(): void;
}

export const BIND_IDS: ReadonlySet<number> = new Set([
  CommandId.bind_receiver,
  CommandId.bind_transmitter,
  CommandId.bind_transceiver,
]);
