/**
 * Answers one submit_sm per the current behaviour: silent, throttled, rejected or accepted (with a message id
 * and perhaps a receipt), at once or after respondDelayMs, and tells the listeners what became of it.
 */
import { Status } from '../../internal/smpp/command-status.js';
import type { Logger } from '../../internal/smpp/logger.js';
import type { ResponseFields, SubmitSmPdu } from '../../internal/smpp/pdu.js';
import { Tlv, u8Value, type TlvMap } from '../../internal/smpp/tlv.js';
import { isSilent, judgeSubmit, type Behaviour } from './behaviour.js';
import type { DelayQueue } from './delay-queue.js';
import { receiptTextSnippet, wantsReceipt } from './receipt-format.js';
import type { QueuedReceipt } from './receipt-queue.js';
import type { ReceiptSender } from './receipt-sender.js';
import type { SimSession } from './session-registry.js';
import type { SimStats } from './sim-stats.js';
import type { SimulatedSubmit, SubmitAttempt } from './simulator-api.js';
import { submitView, userText } from './submit-view.js';

export interface SubmitHandlerDeps {
  /** Read per submit: setBehaviour may have changed it. */
  behaviour: () => Behaviour;
  nextMessageId: () => string;
  stats: SimStats;
  receipts: ReceiptSender;
  /** Holds delayed submit_sm_resp. */
  delayed: DelayQueue;
  /** Read at each submit, so listeners added later are seen. */
  submitListeners: readonly ((s: SimulatedSubmit) => void)[];
  attemptListeners: readonly ((s: SubmitAttempt) => void)[];
  log: Logger;
}

export type SubmitHandler = (sim: SimSession, pdu: SubmitSmPdu) => ResponseFields | Promise<ResponseFields>;

export function createSubmitHandler(deps: SubmitHandlerDeps): SubmitHandler {
  const { nextMessageId, stats, receipts, delayed, submitListeners, attemptListeners, log } = deps;
  const counters = stats.counters;

  /** A listener that throws is logged and does not stop the others, nor the simulator. */
  function notify<T>(listeners: readonly ((v: T) => void)[], value: T, what: string): void {
    for (const l of listeners) {
      try {
        l(value);
      } catch (err) {
        log.error({ err }, `smsc-sim ${what} listener threw`);
      }
    }
  }

  function emitAttempt(sim: SimSession, pdu: SubmitSmPdu, now: number, outcome: SubmitAttempt['outcome'], status: number | undefined, smscMessageId?: string): void {
    if (attemptListeners.length === 0) return;
    notify(attemptListeners, { ...submitView(sim, pdu, now), smscMessageId, outcome, status }, 'onSubmitAttempt');
  }

  return function onSubmit(sim, pdu) {
    if (!sim.transmits) return { status: Status.ESME_RINVBNDSTS };
    const now = Date.now();
    const b = deps.behaviour();
    counters.attempts++;
    const second = stats.countSecond(now);
    second.attempts++;
    if (isSilent(b)) {
      counters.silent++;
      emitAttempt(sim, pdu, now, 'silent', undefined);
      // Never settles: the session never answers it, and the promise is collected with the session.
      return new Promise<ResponseFields>(() => {});
    }
    const tlvs: TlvMap | undefined = b.congestionState !== undefined ? new Map([[Tlv.congestion_state, u8Value(b.congestionState)]]) : undefined;
    const status = b.throttleSessions.includes(sim.id) ? Status.ESME_RTHROTTLED : judgeSubmit(b, sim.bucket, now);
    let fields: ResponseFields;
    let receiptFirst: Promise<void> | undefined;
    if (status !== Status.ESME_ROK) {
      if (status === Status.ESME_RTHROTTLED) counters.throttled++;
      else counters.rejected++;
      emitAttempt(sim, pdu, now, status === Status.ESME_RTHROTTLED ? 'throttled' : 'rejected', status);
      fields = { status, tlvs };
    } else {
      const smscMessageId = nextMessageId();
      counters.submits++;
      second.submits++;
      if (submitListeners.length > 0) notify(submitListeners, { ...submitView(sim, pdu, now), smscMessageId }, 'onSubmit');
      emitAttempt(sim, pdu, now, 'ok', status, smscMessageId);
      if (b.receipts && wantsReceipt(pdu.registeredDelivery, b.receiptStat)) {
        const r: QueuedReceipt = {
          dueAt: now + b.receiptDelayMs,
          systemId: sim.systemId,
          preferredSessionId: sim.id,
          smscMessageId,
          sourceAddrTon: pdu.sourceAddrTon,
          sourceAddrNpi: pdu.sourceAddrNpi,
          sourceAddr: pdu.sourceAddr,
          destAddrTon: pdu.destAddrTon,
          destAddrNpi: pdu.destAddrNpi,
          destinationAddr: pdu.destinationAddr,
          submittedAt: now,
          stat: b.receiptStat,
          text: receiptTextSnippet(userText(pdu)),
          attempts: 0,
        };
        if (b.receiptBeforeResp) receiptFirst = receipts.sendReceiptFirst(sim, r, now);
        else receipts.enqueue(r);
      }
      fields = { status: Status.ESME_ROK, messageId: smscMessageId, tlvs };
    }
    sim.outstanding++;
    if (sim.outstanding > sim.maxOutstanding) {
      sim.maxOutstanding = sim.outstanding;
      stats.raiseMaxOutstanding(sim.outstanding);
    }
    if (!receiptFirst && b.respondDelayMs <= 0) {
      sim.outstanding--;
      return fields;
    }
    const dueAt = now + b.respondDelayMs;
    return new Promise<ResponseFields>((resolve) => {
      const answer = (): void => {
        sim.outstanding--;
        resolve(fields);
      };
      const later = (): void => {
        if (dueAt <= Date.now()) answer();
        else delayed.add(dueAt, answer);
      };
      if (receiptFirst) void receiptFirst.then(later);
      else later();
    });
  };
}
