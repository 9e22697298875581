/**
 * The requests a session sends: their sequence numbers, the window they hold, the responses (and
 * timeouts) that free it, and waiting for it to empty.
 */
import { CommandId } from './command-id.js';
import { MalformedResponseError, ResponseTimeoutError, SessionClosedError, WindowFullError } from './errors.js';
import { encodePduAs } from './pdu-encode.js';
import type { DecodeResult, Pdu, RequestInit, RequestPdu } from './pdu-types.js';
import type { PendingRequest } from './pending-requests.js';
import { BIND_IDS, type SessionCore } from './session-core.js';

export const MAX_SEQUENCE = 0x7fffffff;

export interface RequestWindow {
  nextSequence(): number;
  request(init: RequestInit): Promise<Pdu>;
  onResponse(pdu: Pdu): void;
  onMalformedResponse(r: Extract<DecodeResult, { ok: false }>): void;
  /** Fails the requests whose response is overdue. */
  expire(now: number): void;
  slotFreed(wasFull: boolean): void;
  drain(timeoutMs: number): Promise<void>;
}

export function createRequestWindow(core: SessionCore, responseTimeoutMs: number, firstSequence: number | undefined): RequestWindow {
  const { pending, windowSize, log } = core;
  let nextSeq = firstSequence !== undefined && firstSequence >= 1 && firstSequence <= MAX_SEQUENCE ? Math.floor(firstSequence) : 1;
  let drainWaiters: Array<() => void> = [];

  function nextSequence(): number {
    for (;;) {
      const s = nextSeq;
      nextSeq = s >= MAX_SEQUENCE ? 1 : s + 1;
      // After a wrap a very old request may still hold a number; skip it rather than confuse answers.
      if (!pending.has(s) && s !== core.linkCheckSeq && s !== core.unbinding?.sequence) return s;
    }
  }

  function slotFreed(wasFull: boolean): void {
    if (wasFull) core.writableDue = true;
    if (pending.size === 0 && drainWaiters.length > 0) {
      const waiters = drainWaiters;
      drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  function onMalformedResponse(r: Extract<DecodeResult, { ok: false }>): void {
    const wasFull = pending.size >= windowSize;
    const p = pending.take(r.sequence);
    if (p) {
      slotFreed(wasFull);
      p.reject(new MalformedResponseError(r.commandId, r.sequence, r.reason));
    } else if (r.sequence === core.linkCheckSeq) {
      core.linkCheckSeq = 0;
    }
  }

  function onResponse(pdu: Pdu): void {
    const seq = pdu.sequence;
    const wasFull = pending.size >= windowSize;
    const p = pending.take(seq);
    if (p) {
      if (BIND_IDS.has(p.commandId) && pdu.status === 0 && pdu.commandId === (p.commandId | 0x80000000) >>> 0) {
        core.becomeBound();
      }
      slotFreed(wasFull);
      p.resolve(pdu);
      return;
    }
    if (seq === core.linkCheckSeq && core.linkCheckSeq !== 0) {
      core.linkCheckSeq = 0;
      return;
    }
    const unbinding = core.unbinding;
    if (unbinding && seq === unbinding.sequence) {
      unbinding.done();
      return;
    }
    log.debug({ commandId: pdu.commandId, sequence: seq }, 'smpp response with unknown sequence ignored');
  }

  function expire(now: number): void {
    if (pending.size > 0) {
      const wasFull = pending.size >= windowSize;
      const expired = pending.expire(now, (p: PendingRequest) =>
        p.reject(new ResponseTimeoutError(p.commandId, p.sequence, responseTimeoutMs)),
      );
      if (expired > 0) {
        slotFreed(wasFull);
        if (core.writableDue) {
          core.writableDue = false;
          core.emitWritable();
        }
      }
    }
  }

  function request(init: RequestInit): Promise<Pdu> {
    const state = core.state;
    if (state === 'closed' || state === 'unbinding') {
      return Promise.reject(new SessionClosedError(core.closeReason ?? state));
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
      pending.add({ commandId, sequence, deadline: core.clock.now() + responseTimeoutMs, resolve, reject });
      core.write(buf);
    });
  }

  function drain(timeoutMs: number): Promise<void> {
    if (pending.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter = (): void => {
        cancel();
        resolve();
      };
      const cancel = core.clock.setTimer(timeoutMs, () => {
        drainWaiters = drainWaiters.filter((w) => w !== waiter);
        resolve();
      });
      drainWaiters.push(waiter);
    });
  }

  return { nextSequence, request, onResponse, onMalformedResponse, expire, slotFreed, drain };
}

function commandIdOf(init: RequestInit | RequestPdu): number {
  return CommandId[init.command];
}
