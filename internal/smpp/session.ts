/** One SMPP session over a connected socket: windowed requests, responses, link checks, peer requests; ESME and SMSC alike. */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CommandId, isResponseId, responseIdFor } from './command-id.js';
import { Status, statusName } from './command-status.js';
import {
  MalformedResponseError,
  ResponseTimeoutError,
  SessionClosedError,
  WindowFullError,
} from './errors.js';
import { createFramer, type FramingError } from './framer.js';
import { noopLogger, type Logger } from './logger.js';
import { decodePdu } from './pdu-decode.js';
import { encodeHeader, encodePduAs } from './pdu-encode.js';
import type { DecodeResult, Pdu, PduInit, RequestInit, RequestPdu, ResponseFields } from './pdu-types.js';
import { createPendingRequests, type PendingRequest } from './pending-requests.js';

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

export const MAX_SEQUENCE = 0x7fffffff;

/** After a graceful end, how long the peer gets to close its side before we destroy the socket. */
const END_GRACE_MS = 2_000;

const BIND_IDS: ReadonlySet<number> = new Set([
  CommandId.bind_receiver,
  CommandId.bind_transmitter,
  CommandId.bind_transceiver,
]);

/** Receiver-side application codes for messages we were handed; system error for the rest. */
function failureStatusFor(commandId: number): number {
  return commandId === CommandId.deliver_sm || commandId === CommandId.data_sm
    ? Status.ESME_RX_T_APPN
    : Status.ESME_RSYSERR;
}

/** The response PDU answering `req` with `fields`. */
function responseFor(req: Pdu, fields: ResponseFields): PduInit | undefined {
  const { status, tlvs } = fields;
  switch (req.command) {
    case 'bind_receiver':
    case 'bind_transmitter':
    case 'bind_transceiver':
      return { command: `${req.command}_resp`, status, systemId: fields.systemId, tlvs };
    case 'submit_sm':
      return { command: 'submit_sm_resp', status, messageId: fields.messageId, tlvs };
    case 'deliver_sm':
      return { command: 'deliver_sm_resp', status, messageId: fields.messageId, tlvs };
    case 'data_sm':
      return { command: 'data_sm_resp', status, messageId: fields.messageId, tlvs };
    default:
      return undefined;
  }
}

function isPromiseLike<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

function tickFor(opts: SessionOptions): number {
  const shortest = Math.min(
    opts.responseTimeoutMs,
    opts.enquireLinkIntervalMs > 0 ? opts.enquireLinkIntervalMs : Infinity,
    opts.enquireLinkTimeoutMs > 0 ? opts.enquireLinkTimeoutMs : Infinity,
  );
  return Math.max(10, Math.min(250, Math.floor(shortest / 4)));
}

export function createSession(socket: Socket, opts: SessionOptions): Session {
  const log = opts.log ?? noopLogger;
  const { windowSize, responseTimeoutMs, enquireLinkIntervalMs, enquireLinkTimeoutMs } = opts;
  if (!Number.isInteger(windowSize) || windowSize < 1) throw new RangeError(`windowSize must be a positive integer, got ${windowSize}`);
  if (!(responseTimeoutMs > 0)) throw new RangeError(`responseTimeoutMs must be positive, got ${responseTimeoutMs}`);

  const framer = createFramer({ maxPduLength: opts.maxPduLength });
  const pending = createPendingRequests();
  let state: SessionState = 'open';
  let nextSeq = opts.firstSequence !== undefined && opts.firstSequence >= 1 && opts.firstSequence <= MAX_SEQUENCE ? Math.floor(opts.firstSequence) : 1;
  let congested = false;
  let corked = false;
  let writableDue = false;
  let bindInProgress = false;
  let handler: RequestHandler | undefined;
  let closeReason: SessionCloseReason | undefined;
  let closeError: Error | undefined;
  /** Our own link check: its sequence (0 = none out) and when it went, 0 once anything came back. */
  let linkCheckSeq = 0;
  let linkCheckSentAt = 0;
  let lastRx = performance.now();
  let unbinding: { sequence: number; done(): void; promise: Promise<void> } | undefined;
  let drainWaiters: Array<() => void> = [];
  const closeListeners: Array<(reason: SessionCloseReason, err?: Error) => void> = [];
  const writableListeners: Array<() => void> = [];
  const boundListeners: Array<() => void> = [];

  socket.setNoDelay(true);

  function nextSequence(): number {
    for (;;) {
      const s = nextSeq;
      nextSeq = s >= MAX_SEQUENCE ? 1 : s + 1;
      // After a wrap a very old request may still hold a number; skip it rather than confuse answers.
      if (!pending.has(s) && s !== linkCheckSeq && s !== unbinding?.sequence) return s;
    }
  }

  // Writes made in one tick are corked together and leave as one writev on the next tick.
  function uncork(): void {
    corked = false;
    socket.uncork();
  }

  function write(buf: Buffer): void {
    if (!socket.writable) return;
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    if (!socket.write(buf) && !congested) {
      congested = true;
      socket.once('drain', onDrain);
    }
  }

  function onDrain(): void {
    congested = false;
    emitWritable();
  }

  function free(): number {
    if (congested || (state !== 'open' && state !== 'bound')) return 0;
    return Math.max(0, windowSize - pending.size);
  }

  function emitWritable(): void {
    if (free() === 0) return;
    for (const l of writableListeners) {
      try {
        l();
      } catch (err) {
        log.error({ err }, 'smpp onWritable listener threw');
      }
    }
  }

  function slotFreed(wasFull: boolean): void {
    if (wasFull) writableDue = true;
    if (pending.size === 0 && drainWaiters.length > 0) {
      const waiters = drainWaiters;
      drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  function becomeBound(): void {
    if (state !== 'open') return;
    state = 'bound';
    for (const l of boundListeners) {
      try {
        l();
      } catch (err) {
        log.error({ err }, 'smpp onBound listener threw');
      }
    }
  }

  function finish(reason: SessionCloseReason, err?: Error): void {
    if (state === 'closed') return;
    state = 'closed';
    closeReason = reason;
    closeError = err;
    clearInterval(sweepTimer);
    const closed = new SessionClosedError(reason, { cause: err });
    pending.clear((p) => p.reject(closed));
    unbinding?.done();
    slotFreed(false);
    log.debug({ reason, err }, 'smpp session closed');
    for (const l of closeListeners) {
      try {
        l(reason, err);
      } catch (e) {
        log.error({ err: e }, 'smpp onClose listener threw');
      }
    }
  }

  function close(reason: SessionCloseReason = 'local', o?: { flush?: boolean }): void {
    if (state === 'closed') return;
    finish(reason);
    if (!o?.flush) {
      socket.destroy();
      return;
    }
    // end() uncorks, so what was written this tick still goes out before the FIN.
    socket.end();
    const t = setTimeout(() => socket.destroy(), END_GRACE_MS);
    t.unref();
    socket.once('close', () => clearTimeout(t));
  }

  // ---- incoming ----

  function onData(chunk: Buffer): void {
    if (state === 'closed') return;
    lastRx = performance.now();
    linkCheckSentAt = 0;
    const err = framer.push(chunk, onFrame);
    if (err) onFramingError(err);
    if (writableDue) {
      writableDue = false;
      emitWritable();
    }
  }

  function onFramingError(err: FramingError): void {
    if (state === 'closed') return;
    log.warn({ ...err }, 'smpp framing lost; answering generic_nack and closing');
    write(encodeHeader(CommandId.generic_nack, Status.ESME_RINVCMDLEN, err.sequence));
    close('framing_error', { flush: true });
  }

  function onFrame(frame: Buffer): void {
    if (state === 'closed') return;
    const r = decodePdu(frame);
    if (!r.ok) {
      onMalformed(r);
      return;
    }
    const pdu = r.pdu;
    if (isResponseId(pdu.commandId)) onResponse(pdu);
    else onPeerRequest(pdu);
  }

  function onMalformed(r: Extract<DecodeResult, { ok: false }>): void {
    log.warn(
      { commandId: r.commandId, sequence: r.sequence, status: statusName(r.status), reason: r.reason },
      'smpp malformed PDU',
    );
    if (isResponseId(r.commandId)) {
      // Never answer a response; fail the request it answers so the caller need not wait for the timeout.
      const wasFull = pending.size >= windowSize;
      const p = pending.take(r.sequence);
      if (p) {
        slotFreed(wasFull);
        p.reject(new MalformedResponseError(r.commandId, r.sequence, r.reason));
      } else if (r.sequence === linkCheckSeq) {
        linkCheckSeq = 0;
      }
      return;
    }
    write(encodeHeader(responseIdFor(r.commandId), r.status, r.sequence));
  }

  function onResponse(pdu: Pdu): void {
    const seq = pdu.sequence;
    const wasFull = pending.size >= windowSize;
    const p = pending.take(seq);
    if (p) {
      if (BIND_IDS.has(p.commandId) && pdu.status === 0 && pdu.commandId === (p.commandId | 0x80000000) >>> 0) {
        becomeBound();
      }
      slotFreed(wasFull);
      p.resolve(pdu);
      return;
    }
    if (seq === linkCheckSeq && linkCheckSeq !== 0) {
      linkCheckSeq = 0;
      return;
    }
    if (unbinding && seq === unbinding.sequence) {
      unbinding.done();
      return;
    }
    log.debug({ commandId: pdu.commandId, sequence: seq }, 'smpp response with unknown sequence ignored');
  }

  function onPeerRequest(pdu: Pdu): void {
    switch (pdu.command) {
      case 'enquire_link':
        write(encodeHeader(CommandId.enquire_link_resp, Status.ESME_ROK, pdu.sequence));
        return;
      case 'unbind':
        write(encodeHeader(CommandId.unbind_resp, Status.ESME_ROK, pdu.sequence));
        close('peer_unbind', { flush: true });
        return;
      case 'unknown':
        write(encodeHeader(CommandId.generic_nack, Status.ESME_RINVCMDID, pdu.sequence));
        return;
      case 'bind_receiver':
      case 'bind_transmitter':
      case 'bind_transceiver':
        if (state !== 'open') respond(pdu, { status: state === 'bound' ? Status.ESME_RALYBND : Status.ESME_RINVBNDSTS });
        else if (bindInProgress) respond(pdu, { status: Status.ESME_RINVBNDSTS });
        else dispatch(pdu);
        return;
      case 'submit_sm':
      case 'deliver_sm':
      case 'data_sm':
        if (state !== 'bound' && state !== 'unbinding') respond(pdu, { status: Status.ESME_RINVBNDSTS });
        else dispatch(pdu);
        return;
      default:
        // Only responses are left, and they never get here.
        return;
    }
  }

  function dispatch(pdu: Pdu): void {
    const isBind = BIND_IDS.has(pdu.commandId);
    if (!handler) {
      respond(pdu, { status: failureStatusFor(pdu.commandId) });
      return;
    }
    let result: ResponseFields | Promise<ResponseFields>;
    try {
      result = handler(pdu);
    } catch (err) {
      log.warn({ err, commandId: pdu.commandId, sequence: pdu.sequence }, 'smpp request handler threw');
      respond(pdu, { status: failureStatusFor(pdu.commandId) });
      return;
    }
    if (!isPromiseLike(result)) {
      respond(pdu, result);
      return;
    }
    if (isBind) bindInProgress = true;
    result.then(
      (fields) => {
        if (isBind) bindInProgress = false;
        respond(pdu, fields);
      },
      (err: unknown) => {
        if (isBind) bindInProgress = false;
        log.warn({ err, commandId: pdu.commandId, sequence: pdu.sequence }, 'smpp request handler failed');
        respond(pdu, { status: failureStatusFor(pdu.commandId) });
      },
    );
  }

  function respond(req: Pdu, fields: ResponseFields): void {
    if (state === 'closed') return;
    const resp = responseFor(req, fields);
    if (!resp) return;
    let buf: Buffer;
    try {
      buf = encodePduAs(resp, fields.status, req.sequence);
    } catch (err) {
      log.error({ err, commandId: req.commandId, sequence: req.sequence }, 'smpp response could not be encoded');
      buf = encodeHeader(responseIdFor(req.commandId), Status.ESME_RSYSERR, req.sequence);
    }
    write(buf);
    if (fields.status === 0 && BIND_IDS.has(req.commandId)) becomeBound();
  }

  // ---- timers ----

  function sweep(): void {
    if (state === 'closed') return;
    const now = performance.now();
    if (pending.size > 0) {
      const wasFull = pending.size >= windowSize;
      const expired = pending.expire(now, (p: PendingRequest) =>
        p.reject(new ResponseTimeoutError(p.commandId, p.sequence, responseTimeoutMs)),
      );
      if (expired > 0) {
        slotFreed(wasFull);
        if (writableDue) {
          writableDue = false;
          emitWritable();
        }
      }
    }
    if (linkCheckSentAt !== 0 && enquireLinkTimeoutMs > 0 && now - linkCheckSentAt >= enquireLinkTimeoutMs) {
      log.warn({ silentMs: Math.round(now - lastRx) }, 'smpp link silent after enquire_link; closing');
      close('enquire_link_timeout');
      return;
    }
    if (
      enquireLinkIntervalMs > 0 &&
      linkCheckSentAt === 0 &&
      (state === 'open' || state === 'bound') &&
      now - lastRx >= enquireLinkIntervalMs
    ) {
      linkCheckSeq = nextSequence();
      linkCheckSentAt = now;
      // Idle time restarts here, so a link that answers is checked once per interval, not once per tick.
      lastRx = now;
      write(encodeHeader(CommandId.enquire_link, 0, linkCheckSeq));
    }
  }

  const sweepTimer = setInterval(sweep, tickFor(opts));
  sweepTimer.unref();

  socket.on('data', onData);
  socket.on('error', (err: Error) => {
    if (state === 'closed') {
      log.debug({ err }, 'smpp socket error after close');
      return;
    }
    finish('socket_error', err);
    socket.destroy();
  });
  socket.on('close', () => finish('socket_closed'));

  // ---- public ----

  function request(init: RequestInit): Promise<Pdu> {
    if (state === 'closed' || state === 'unbinding') {
      return Promise.reject(new SessionClosedError(closeReason ?? state));
    }
    if (pending.size >= windowSize) return Promise.reject(new WindowFullError(windowSize));
    const sequence = nextSequence();
    let buf: Buffer;
    try {
      buf = encodePduAs(init, 0, sequence);
    } catch (err) {
      return Promise.reject(err);
    }
    const commandId = commandIdOf(init);
    return new Promise<Pdu>((resolve, reject) => {
      pending.add({ commandId, sequence, deadline: performance.now() + responseTimeoutMs, resolve, reject });
      write(buf);
    });
  }

  function unbind(timeoutMs: number = responseTimeoutMs): Promise<void> {
    if (state === 'closed') return Promise.resolve();
    if (unbinding) return unbinding.promise;
    state = 'unbinding';
    const sequence = nextSequence();
    let done!: () => void;
    const promise = new Promise<void>((resolve) => {
      const t = setTimeout(() => done(), timeoutMs);
      done = () => {
        clearTimeout(t);
        resolve();
      };
    }).then(() => close('local', { flush: true }));
    unbinding = { sequence, done: () => done(), promise };
    write(encodeHeader(CommandId.unbind, 0, sequence));
    return promise;
  }

  function drain(timeoutMs: number): Promise<void> {
    if (pending.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter = (): void => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        drainWaiters = drainWaiters.filter((w) => w !== waiter);
        resolve();
      }, timeoutMs);
      drainWaiters.push(waiter);
    });
  }

  return {
    get state() {
      return state;
    },
    free,
    inFlight: () => pending.size,
    request,
    onRequest(h) {
      handler = h;
    },
    onClose(listener) {
      if (state === 'closed') {
        const reason = closeReason ?? 'local';
        const err = closeError;
        queueMicrotask(() => listener(reason, err));
        return;
      }
      closeListeners.push(listener);
    },
    onWritable(listener) {
      writableListeners.push(listener);
    },
    onBound(listener) {
      boundListeners.push(listener);
    },
    unbind,
    drain,
    close,
  };
}

function commandIdOf(init: RequestInit | RequestPdu): number {
  return CommandId[init.command];
}
