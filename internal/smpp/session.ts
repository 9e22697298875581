/** One SMPP session over a connected socket: windowed requests, responses, link checks, peer requests; ESME and SMSC alike. */
import type { Socket } from 'node:net';
import { systemClock } from '../core/clock.js';
import { CommandId, isResponseId, responseIdFor } from './command-id.js';
import { Status, statusName } from './command-status.js';
import { SessionClosedError } from './errors.js';
import { createFramer, type FramingError } from './framer.js';
import { createLinkCheck } from './link-check.js';
import { noopLogger } from './logger.js';
import { decodePdu } from './pdu-decode.js';
import { encodeHeader } from './pdu-encode.js';
import type { DecodeResult } from './pdu-types.js';
import { createPeerRequests } from './incoming-requests.js';
import { createPendingRequests } from './pending-requests.js';
import { createRequestWindow } from './request-window.js';
import type { Session, SessionCloseReason, SessionOptions } from './session-api.js';
import type { SessionCore } from './session-core.js';

export type { RequestHandler, Session, SessionCloseReason, SessionOptions, SessionState } from './session-api.js';
export { MAX_SEQUENCE } from './request-window.js';

/** After a graceful end, how long the peer gets to close its side before we destroy the socket. */
const END_GRACE_MS = 2_000;

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
  const clock = opts.clock ?? systemClock;
  const { windowSize, responseTimeoutMs, enquireLinkIntervalMs, enquireLinkTimeoutMs } = opts;
  if (!Number.isInteger(windowSize) || windowSize < 1) throw new RangeError(`windowSize must be a positive integer, got ${windowSize}`);
  if (!(responseTimeoutMs > 0)) throw new RangeError(`responseTimeoutMs must be positive, got ${responseTimeoutMs}`);

  const framer = createFramer({ maxPduLength: opts.maxPduLength });
  const pending = createPendingRequests();
  const core: SessionCore = {
    state: 'open',
    closeReason: undefined,
    log,
    clock,
    pending,
    windowSize,
    writableDue: false,
    linkCheckSeq: 0,
    linkCheckSentAt: 0,
    lastRx: clock.now(),
    unbinding: undefined,
    write,
    close,
    becomeBound,
    emitWritable,
  };
  let congested = false;
  let corked = false;
  let closeError: Error | undefined;
  const closeListeners: Array<(reason: SessionCloseReason, err?: Error) => void> = [];
  const writableListeners: Array<() => void> = [];
  const boundListeners: Array<() => void> = [];
  const { nextSequence, request, onResponse, onMalformedResponse, expire, slotFreed, drain } = createRequestWindow(
    core,
    responseTimeoutMs,
    opts.firstSequence,
  );
  const { answer, setHandler } = createPeerRequests(core);
  const checkLink = createLinkCheck(core, enquireLinkIntervalMs, enquireLinkTimeoutMs, nextSequence);

  socket.setNoDelay(true);

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
    if (congested || (core.state !== 'open' && core.state !== 'bound')) return 0;
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

  function becomeBound(): void {
    if (core.state !== 'open') return;
    core.state = 'bound';
    for (const l of boundListeners) {
      try {
        l();
      } catch (err) {
        log.error({ err }, 'smpp onBound listener threw');
      }
    }
  }

  function finish(reason: SessionCloseReason, err?: Error): void {
    if (core.state === 'closed') return;
    core.state = 'closed';
    core.closeReason = reason;
    closeError = err;
    cancelSweep();
    const closed = new SessionClosedError(reason, { cause: err });
    pending.clear((p) => p.reject(closed));
    core.unbinding?.done();
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
    if (core.state === 'closed') return;
    finish(reason);
    if (!o?.flush) {
      socket.destroy();
      return;
    }
    // end() uncorks, so what was written this tick still goes out before the FIN.
    socket.end();
    const cancel = clock.setTimer(END_GRACE_MS, () => socket.destroy(), { unref: true });
    socket.once('close', cancel);
  }

  // ---- incoming ----

  function onData(chunk: Buffer): void {
    if (core.state === 'closed') return;
    core.lastRx = clock.now();
    core.linkCheckSentAt = 0;
    const err = framer.push(chunk, onFrame);
    if (err) onFramingError(err);
    if (core.writableDue) {
      core.writableDue = false;
      emitWritable();
    }
  }

  function onFramingError(err: FramingError): void {
    if (core.state === 'closed') return;
    log.warn({ ...err }, 'smpp framing lost; answering generic_nack and closing');
    write(encodeHeader(CommandId.generic_nack, Status.ESME_RINVCMDLEN, err.sequence));
    close('framing_error', { flush: true });
  }

  function onFrame(frame: Buffer): void {
    if (core.state === 'closed') return;
    const r = decodePdu(frame);
    if (!r.ok) {
      onMalformed(r);
      return;
    }
    const pdu = r.pdu;
    if (isResponseId(pdu.commandId)) onResponse(pdu);
    else answer(pdu);
  }

  function onMalformed(r: Extract<DecodeResult, { ok: false }>): void {
    log.warn(
      { commandId: r.commandId, sequence: r.sequence, status: statusName(r.status), reason: r.reason },
      'smpp malformed PDU',
    );
    if (isResponseId(r.commandId)) {
      // Never answer a response; fail the request it answers so the caller need not wait for the timeout.
      onMalformedResponse(r);
      return;
    }
    write(encodeHeader(responseIdFor(r.commandId), r.status, r.sequence));
  }

  // ---- timers ----

  const tickMs = tickFor(opts);
  function sweep(): void {
    if (core.state === 'closed') return;
    // Armed first: a sweep that closes the session cancels it through finish().
    cancelSweep = clock.setTimer(tickMs, sweep, { unref: true });
    const now = clock.now();
    expire(now);
    checkLink(now);
  }
  let cancelSweep = clock.setTimer(tickMs, sweep, { unref: true });

  socket.on('data', onData);
  socket.on('error', (err: Error) => {
    if (core.state === 'closed') {
      log.debug({ err }, 'smpp socket error after close');
      return;
    }
    finish('socket_error', err);
    socket.destroy();
  });
  socket.on('close', () => finish('socket_closed'));

  // ---- public ----

  function unbind(timeoutMs: number = responseTimeoutMs): Promise<void> {
    if (core.state === 'closed') return Promise.resolve();
    if (core.unbinding) return core.unbinding.promise;
    core.state = 'unbinding';
    const sequence = nextSequence();
    let done!: () => void;
    const promise = new Promise<void>((resolve) => {
      const cancel = clock.setTimer(timeoutMs, () => done());
      done = () => {
        cancel();
        resolve();
      };
    }).then(() => close('local', { flush: true }));
    core.unbinding = { sequence, done: () => done(), promise };
    write(encodeHeader(CommandId.unbind, 0, sequence));
    return promise;
  }

  return {
    get state() {
      return core.state;
    },
    free,
    inFlight: () => pending.size,
    request,
    onRequest: setHandler,
    onClose(listener) {
      if (core.state === 'closed') {
        const reason = core.closeReason ?? 'local';
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
