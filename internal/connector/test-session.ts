/** Test support: an SMPP Session without a socket, whose requests the test answers one by one. */
import { ResponseTimeoutError, SessionClosedError, WindowFullError } from '../smpp/errors.js';
import type { Pdu, RequestInit, SubmitSmPdu, PduInit } from '../smpp/pdu-types.js';
import type { Session, SessionCloseReason, SessionState } from '../smpp/session.js';

export interface SentRequest {
  pdu: RequestInit;
  /** Answers with submit_sm_resp: status 0 and a message id, or an error status without one; TLVs optional. */
  respond(status: number, messageId?: string, tlvs?: Map<number, Buffer>): void;
  /** No answer in time: the outcome is unknown. */
  timeOut(): void;
}

export interface FakeSession extends Session {
  /** Requests sent and not yet answered, oldest first. */
  readonly outstanding: SentRequest[];
  /** Every request ever sent, in order. */
  readonly sent: RequestInit[];
  /** When each of them was sent, on the clock given. */
  readonly sentAt: number[];
  /** The link drops: in-flight requests fail with SessionClosedError. */
  lose(reason?: SessionCloseReason): void;
}

export function fakeSession(windowSize: number, now: () => number = () => 0): FakeSession {
  let state: SessionState = 'bound';
  const outstanding: SentRequest[] = [];
  const sent: RequestInit[] = [];
  const sentAt: number[] = [];
  const closeListeners: Array<(reason: SessionCloseReason, err?: Error) => void> = [];
  const writableListeners: Array<() => void> = [];
  let drainWaiters: Array<() => void> = [];

  function settled(r: SentRequest): void {
    outstanding.splice(outstanding.indexOf(r), 1);
    if (outstanding.length === 0) {
      const w = drainWaiters;
      drainWaiters = [];
      for (const f of w) f();
    }
    for (const l of writableListeners) l();
  }

  function close(reason: SessionCloseReason = 'local'): void {
    if (state === 'closed') return;
    state = 'closed';
    const err = new SessionClosedError(reason);
    for (const r of [...outstanding]) rejectWith(r, err);
    for (const l of closeListeners) l(reason);
    const w = drainWaiters;
    drainWaiters = [];
    for (const f of w) f();
  }

  const rejecters = new Map<SentRequest, (e: Error) => void>();
  function rejectWith(r: SentRequest, e: Error): void {
    const reject = rejecters.get(r);
    rejecters.delete(r);
    settled(r);
    reject?.(e);
  }

  return {
    get state() {
      return state;
    },
    outstanding,
    sent,
    sentAt,
    free: () => (state === 'bound' ? windowSize - outstanding.length : 0),
    inFlight: () => outstanding.length,
    request(pdu) {
      if (state !== 'bound') return Promise.reject(new SessionClosedError(state));
      if (outstanding.length >= windowSize) return Promise.reject(new WindowFullError(windowSize));
      sent.push(pdu);
      sentAt.push(now());
      return new Promise<Pdu>((resolve, reject) => {
        const r: SentRequest = {
          pdu,
          respond(status, messageId, tlvs = new Map()) {
            rejecters.delete(r);
            settled(r);
            resolve({ command: 'submit_sm_resp', commandId: 0x80000004, status, sequence: sent.length, tlvs, ...(messageId !== undefined ? { messageId } : {}) });
          },
          timeOut() {
            rejectWith(r, new ResponseTimeoutError(0x00000004, sent.length, 1));
          },
        };
        rejecters.set(r, reject);
        outstanding.push(r);
      });
    },
    onRequest() {},
    onClose(l) {
      closeListeners.push(l);
    },
    onWritable(l) {
      writableListeners.push(l);
    },
    onBound() {},
    async unbind() {
      close('local');
    },
    drain(_timeoutMs) {
      if (outstanding.length === 0 || state === 'closed') return Promise.resolve();
      return new Promise((r) => drainWaiters.push(r));
    },
    close,
    lose(reason = 'socket_closed') {
      close(reason);
    },
  };
}

/** The short message of a sent submit_sm, as text (tests send GSM text that is ASCII). */
export function shortMessageOf(pdu: RequestInit): string {
  return (pdu as PduInit<SubmitSmPdu>).shortMessage.toString('latin1');
}
