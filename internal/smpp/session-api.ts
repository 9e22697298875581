/** The public face of a session: its options, states, close reasons and methods. */
import type { Clock } from '../core/clock.js';
import type { Logger } from './logger.js';
import type { Pdu, RequestInit, ResponseFields } from './pdu-types.js';

export interface SessionOptions {
  /** Max outstanding requests we sent (enquire_links the session sends itself are not counted). */
  windowSize: number;
  /** Per request. */
  responseTimeoutMs: number;
  /** Send enquire_link after this long without receiving anything; 0 = never. */
  enquireLinkIntervalMs: number;
  /** After our enquire_link, nothing at all received for this long → close('enquire_link_timeout'). */
  enquireLinkTimeoutMs: number;
  /** Largest command_length accepted; default 65536. */
  maxPduLength?: number;
  /** First sequence number to use (default 1); tests use it to reach the wrap-around. */
  firstSequence?: number;
  log?: Logger;
  /** Time for deadlines, link checks and timers; default the system clock. */
  clock?: Clock;
}

export type SessionCloseReason =
  | 'local'
  | 'peer_unbind'
  | 'socket_closed'
  | 'socket_error'
  | 'enquire_link_timeout'
  | 'framing_error';

export type SessionState = 'open' | 'bound' | 'unbinding' | 'closed';

export type RequestHandler = (pdu: Pdu) => Promise<ResponseFields> | ResponseFields;

export interface Session {
  readonly state: SessionState;
  /** Window slots free; 0 while the socket is congested (write returned false, until 'drain') or the session is not usable. */
  free(): number;
  inFlight(): number;
  /**
   * Sends a request under a fresh sequence (1..0x7FFFFFFF, wrapping) and resolves with the peer's
   * response, whatever its status (a generic_nack for that sequence included). Rejects with
   * SessionClosedError, ResponseTimeoutError, MalformedResponseError, PduEncodeError, or at once
   * with WindowFullError when the window is full: check free() first.
   */
  request(pdu: RequestInit): Promise<Pdu>;
  /**
   * Handles the peer's requests other than enquire_link, unbind and generic_nack (bind_* on the
   * SMSC side, submit_sm, deliver_sm, data_sm). The session writes the matching *_resp; a handler
   * that throws or rejects is answered ESME_RX_T_APPN (deliver_sm, data_sm) or ESME_RSYSERR.
   */
  onRequest(handler: RequestHandler): void;
  onClose(listener: (reason: SessionCloseReason, err?: Error) => void): void;
  /** The window or the socket has room again after free() was 0. */
  onWritable(listener: () => void): void;
  /** The bind succeeded: our bind_resp with status 0 went out (SMSC side) or came in (ESME side). */
  onBound(listener: () => void): void;
  /** Sends unbind, waits for unbind_resp or the timeout (default responseTimeoutMs), then closes. */
  unbind(timeoutMs?: number): Promise<void>;
  /** Resolves when nothing is in flight, or after timeoutMs. */
  drain(timeoutMs: number): Promise<void>;
  /**
   * Fails every in-flight request at once with SessionClosedError and closes the socket: destroyed,
   * or with flush: true ended after what is already written (e.g. a final bind_resp) went out.
   */
  close(reason?: SessionCloseReason, opts?: { flush?: boolean }): void;
}
