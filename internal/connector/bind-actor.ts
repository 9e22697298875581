/**
 * One SMPP bind as an actor. It owns one session and pulls from its carrier's durable consumer no more
 * than min(free TPS tokens, free window) messages at a time, so nothing is buffered beyond what it can
 * send now. It settles each message only when every segment has its submit_sm_resp, answers receipts
 * after they are stored in JetStream, reconnects with exponential backoff and jitter, and drains on stop.
 *
 * State: 'connecting' → 'bound' → ('connecting' again after a loss) … → 'draining' → 'closed'.
 */
import type { Delivery, Pull, WorkSource } from '../bus/delivery.js';
import type { Publisher } from '../bus/publisher.js';
import { sleep as sleepOn, systemClock, type Cancel, type Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { debugEnabled, type Logger } from '../log/logger.js';
import type { ConnectorMetrics } from '../metrics/connector.js';
import { labelled } from '../metrics/labelled.js';
import { classifyStatus, statusName } from '../smpp/command-status.js';
import { MalformedResponseError, ResponseTimeoutError, SessionClosedError } from '../smpp/errors.js';
import type { Pdu, PduInit, ResponseFields, SubmitSmPdu } from '../smpp/pdu-types.js';
import type { Session } from '../smpp/session.js';
import { normalizeSmscId, type SmscIdMode } from '../sms/receipt-status.js';
import { Tlv } from '../smpp/tlv.js';
import type { MtMessage } from '../sms/message.js';
import type { BindCore, BindState } from './bind-actor-core.js';
import { createReconnectLoop } from './bind-actor-reconnect.js';
import { createMessageSettler } from './message-settler.js';
import type { RetryPolicy } from './outcome.js';
import { createPeerRequestHandler } from './peer-requests.js';
import type { Job, Segment } from './send-job.js';
import { buildSubmitPdus, type SubmitOptions } from './submit-pdus.js';
import type { EventSink } from './event-sink.js';
import type { SpillJournal } from './spill-journal.js';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';
import type { BindSlot, CarrierCoordinator } from './carrier-coordinator.js';
import type { SenderPacer } from './sender-pacer.js';

export type { BindState } from './bind-actor-core.js';

export interface BindActorOptions {
  carrier: string;
  bindNo: number;
  /** A receiver bind only takes deliver_sm (receipts, MO) and never pulls messages to send. */
  sendsMessages: boolean;
  tps: number;
  window: number;
  submit: SubmitOptions;
  retry: RetryPolicy;
  receiptIdFormat: SmscIdMode;
  /** Opens and binds a new session (TCP/TLS + bind_*); `onRequest` must be in place before bind_resp, as receipts may follow at once. */
  connect: (onRequest: (pdu: Pdu) => Promise<ResponseFields>) => Promise<Session>;
  /** The carrier's MT messages, decoded (the connector's durable pull consumer). */
  source: WorkSource<MtMessage>;
  /** Stores MO parts in JetStream. */
  publisher: Publisher;
  /** Stores status events (batched per carrier). */
  events: EventSink;
  /** Where receipts and MO go when NATS stays away longer than `receiptHoldMs`. */
  journal?: SpillJournal | undefined;
  /** How long a receipt or MO waits for NATS before it is journaled (default 5 s). */
  receiptHoldMs?: number;
  metrics: ConnectorMetrics;
  log: Logger;
  clock?: Clock;
  /** Source of the reconnect jitter, uniform in [0, 1); tests pin it. Default Math.random. */
  random?: () => number;
  /** The longest wait between bind attempts (the carrier's reconnectMaxMs; default 10 s). */
  reconnectMaxMs?: number | undefined;
  /** How long a pull request waits for messages when the queue is idle. */
  fetchExpiresMs?: number;
  /** Pause after ESME_RTHROTTLED / ESME_RMSGQFUL before sending again. */
  throttlePauseMs?: number;
  /** Whether the client canceled this message (answered from memory: a watched key-value bucket). */
  isCanceled?: (id: string) => boolean;
  /**
   * The carrier's account limits (accountTps/maxBinds): the bind holds a bind-slot lease before it binds, takes its
   * rate from the coordinator, and shares throttling with every bind of the carrier.
   */
  coordinator?: CarrierCoordinator | undefined;
  /** The carrier's senderTps rules, shared by its binds in this process. */
  pacer?: SenderPacer | undefined;
  /** Whether an operator paused the carrier: the bind then fetches nothing (answered from memory: a watched bucket). */
  isPaused?: () => boolean;
}

/** What a bind reports about itself (bind-status requests: readiness, the admin API, the console). */
export interface BindInfo {
  carrier: string;
  bindNo: number;
  state: BindState;
  inFlight: number;
  /** submit_sm per second allowed now (lower than configured after throttling). */
  rate: number;
  /** The configured window and TPS. */
  window: number;
  tps: number;
  /** The carrier is paused: this bind fetches nothing. */
  paused: boolean;
  /** Throttling episodes (ESME_RTHROTTLED / ESME_RMSGQFUL answered, rate cut) since start. */
  throttles: number;
  /** Segments the SMSC accepted (submit_sm_resp OK), and delivery receipts saying DELIVRD, since start. */
  submitted: number;
  delivered: number;
}

/** A message waiting for its sender's turn is held in the bind up to this long; longer waits go back to JetStream. */
const HOLD_MAX_MS = 2000;

export interface BindActor {
  start(): void;
  stop(timeoutMs: number): Promise<void>;
  state(): BindState;
  info(): BindInfo;
}


export function createBindActor(o: BindActorOptions): BindActor {
  const clock = o.clock ?? systemClock;
  const log = o.log.child({ component: 'bind', carrier: o.carrier, bindNo: o.bindNo });
  // Per-message lines (with the message's traceparent) are debug: asked once, free when off.
  const debug = debugEnabled(log);
  const bucket: TokenBucket = createTokenBucket({ rate: o.tps }, clock);
  const fetchExpiresMs = o.fetchExpiresMs ?? 2000;
  const throttlePauseMs = o.throttlePauseMs ?? 1000;
  const labels = { carrier: o.carrier };
  const bindLabels = { carrier: o.carrier, bind: String(o.bindNo) };
  const outcome = labelled(o.metrics.submitOutcomes, labels, 'outcome');
  const responseSeconds = o.metrics.submitResponseSeconds.labels(bindLabels);
  const throttleCut = o.metrics.throttleEpisodes.labels({ ...bindLabels, cause: 'throttle' });
  const congestionCut = o.metrics.throttleEpisodes.labels({ ...bindLabels, cause: 'congestion' });
  // Present from the start at 0, so that rate() and increase() see the first episode.
  throttleCut.inc(0);
  congestionCut.inc(0);
  o.metrics.reconnects.inc(bindLabels, 0);
  o.metrics.bindLosses.inc(bindLabels, 0);
  o.metrics.resubmits.inc(labels, 0);
  const paced = labelled(o.metrics.senderPaced, labels, 'how');
  if (o.pacer) {
    paced('held').inc(0);
    paced('delayed').inc(0);
  }
  const onPeerRequest = createPeerRequestHandler({
    carrier: o.carrier,
    receiptIdFormat: o.receiptIdFormat,
    events: o.events,
    publisher: o.publisher,
    metrics: o.metrics,
    log,
    clock,
    holdMs: o.receiptHoldMs ?? 5000,
    journal: o.journal,
    onReceipt: (stat) => {
      if (stat === 'DELIVRD') delivered++;
    },
  });

  const core: BindCore = { state: 'connecting', stopping: false, session: undefined };
  let throttles = 0;
  let submittedSegments = 0;
  let delivered = 0;
  let fetching: Pull | undefined;
  const queue: Segment[] = [];
  const jobs = new Set<Job>();
  let pumpTimer: Cancel | undefined;
  let wake: (() => void) | undefined;
  let running: Promise<void> | undefined;
  let backoffTimer: { cancel: Cancel; resolve: () => void } | undefined;
  const settler = createMessageSettler({
    carrier: o.carrier,
    retry: o.retry,
    events: o.events,
    metrics: o.metrics,
    log,
    clock,
    jobs,
    signal,
  });
  const { record } = settler;
  const slot: BindSlot | undefined = o.coordinator?.register({
    bindNo: o.bindNo,
    sends: o.sendsMessages,
    onRate: (r) => bucket.setTarget(r),
    onLost: () => core.session?.close(),
    onThrottle: onCarrierThrottle,
  });
  const run = createReconnectLoop({
    lease: slot,
    core,
    sendsMessages: o.sendsMessages,
    connect: o.connect,
    onPeerRequest,
    metrics: o.metrics,
    labels,
    bindLabels,
    log,
    sleep,
    random: o.random ?? Math.random,
    backoffMaxMs: o.reconnectMaxMs,
    fetchLoop,
    pump,
    signal,
    failQueued,
  });

  function signal(): void {
    const w = wake;
    wake = undefined;
    w?.();
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = clock.setTimer(ms, () => {
        backoffTimer = undefined;
        resolve();
      });
      backoffTimer = { cancel, resolve };
    });
  }

  // --- sending -------------------------------------------------------------------------------------

  /** Segments sent so far, and how many had been sent when the rate was last cut for a throttle. */
  let sends = 0;
  let sendsAtLastCut = 0;

  function pump(): void {
    const s = core.session;
    if (!s || s.state === 'closed') return;
    while (queue.length > 0 && s.free() > 0 && bucket.tryTake()) {
      const seg = queue.shift()!;
      send(s, seg);
    }
    if (queue.length > 0 && s.free() > 0 && !pumpTimer) {
      pumpTimer = clock.setTimer(Math.max(1, bucket.msUntilToken()), () => {
        pumpTimer = undefined;
        pump();
      });
    }
  }

  /**
   * Back to the head of the queue, among the other throttled segments in the order they were sent: several
   * answered in a row must not go out again reversed (a long message's parts would reach the SMSC 3, 2, 1).
   */
  function requeue(seg: Segment): void {
    let at = 0;
    while (at < queue.length && queue[at]!.sentNo !== 0 && queue[at]!.sentNo < seg.sentNo) at++;
    queue.splice(at, 0, seg);
  }

  function send(s: Session, seg: Segment): void {
    seg.sentNo = ++sends;
    const sentAt = performance.now();
    s.request(seg.job.pdus[seg.index]!).then(
      (resp) => {
        responseSeconds.observe((performance.now() - sentAt) / 1000);
        onSubmitResp(seg, resp);
      },
      (err: unknown) => onSubmitError(seg, err),
    );
  }

  function onSubmitResp(seg: Segment, resp: Pdu): void {
    const status = resp.status;
    if (status === 0 && resp.command === 'submit_sm_resp' && resp.messageId) {
      outcome('ok').inc();
      submittedSegments++;
      onCongestion(resp.tlvs.get(Tlv.congestion_state));
      const smscMessageId = normalizeSmscId(resp.messageId, o.receiptIdFormat);
      if (debug) log.debug({ messageId: seg.job.mt.id, part: seg.index + 1, status, smscMessageId, traceparent: seg.job.delivery.traceparent }, 'submit_sm_resp');
      record(seg, { kind: 'ok', smscMessageId });
    } else {
      if (debug) log.debug({ messageId: seg.job.mt.id, part: seg.index + 1, status, traceparent: seg.job.delivery.traceparent }, 'submit_sm_resp');
      const cls = status === 0 ? 'retry' : classifyStatus(status);
      const name = status === 0 ? 'submit_sm_resp without message_id' : statusName(status);
      switch (cls) {
        case 'throttle':
          // The SMSC is full or rate-limiting: slow this bind and send the same segment again later.
          outcome('throttled').inc();
          // One cut per throttling episode: answers to segments that were already in flight when we last cut
          // report the same episode, and halving again for each would collapse the rate to minRate.
          if (seg.sentNo > sendsAtLastCut) {
            throttles++;
            bucket.throttled(throttlePauseMs);
            throttleCut.inc();
            sendsAtLastCut = sends;
            lastCarrierCut = clock.now();
            // The account is what the SMSC limits: every bind of the carrier, in every process, backs off too.
            slot?.throttled(throttlePauseMs);
          }
          seg.job.delivery.inProgress();
          requeue(seg);
          break;
        case 'permanent':
          outcome('rejected').inc();
          record(seg, { kind: 'rejected', status, statusName: name });
          break;
        case 'bind':
          // The SMSC no longer considers us bound: rebind, and retry the message on a fresh session.
          outcome('bind_error').inc();
          record(seg, { kind: 'closed' });
          core.session?.close();
          break;
        default:
          outcome('retry').inc();
          record(seg, { kind: 'retry', status, statusName: name });
      }
    }
    pump();
    signal();
  }

  /**
   * SMPP 5.0 congestion_state (0–100): at 90 and above the SMSC is near overload; slow down as for a
   * throttle but without a pause, at most once a second so one burst of responses does not collapse the rate.
   */
  let lastCongestionCut = 0;
  function onCongestion(v: Buffer | undefined): void {
    if (!v || v.length < 1 || v[0]! < 90) return;
    const now = clock.now();
    if (now - lastCongestionCut < 1000) return;
    lastCongestionCut = now;
    bucket.throttled(0);
    congestionCut.inc();
  }

  /** Another bind of the carrier was throttled: one cut per episode, however many binds report it. */
  let lastCarrierCut = -Infinity;
  function onCarrierThrottle(pauseMs: number): void {
    const now = clock.now();
    if (now - lastCarrierCut < Math.max(pauseMs, 1000)) return;
    lastCarrierCut = now;
    bucket.throttled(pauseMs);
  }

  function onSubmitError(seg: Segment, err: unknown): void {
    if (err instanceof ResponseTimeoutError || err instanceof MalformedResponseError) {
      // Either way the SMSC may have taken the message: "outcome unknown", bounded retries.
      outcome('timeout').inc();
      log.warn({ messageId: seg.job.mt.id, part: seg.index + 1, traceparent: seg.job.delivery.traceparent, err: errorMessage(err) }, 'submit outcome unknown');
      record(seg, { kind: 'timeout' });
    } else {
      if (!(err instanceof SessionClosedError)) log.warn({ messageId: seg.job.mt.id, traceparent: seg.job.delivery.traceparent, err: errorMessage(err) }, 'submit failed');
      outcome('closed').inc();
      record(seg, { kind: 'closed' });
    }
    signal();
  }

  // --- receiving from JetStream ----------------------------------------------------------------------

  function onDelivery(d: Delivery<MtMessage>): void {
    if (!core.session || core.session.state === 'closed') {
      // Fetched by the pull of a session that is gone: give it back to JetStream for any bind. Held here, it
      // would wait for this bind's reconnect and, past ack_wait, be redelivered and sent twice. The delay
      // outlives that pull (at most fetchExpiresMs), which would otherwise take the message straight back.
      settler.giveBack(d, fetchExpiresMs, 'bind lost before sending');
      return;
    }
    if (o.isPaused?.()) {
      // Paused while this pull was open: nothing more reaches the SMSC; back to JetStream, where a paused carrier
      // keeps its queue. The delay outlives the open pulls (at most fetchExpiresMs), which would otherwise take it
      // straight back; closing the pull instead lost what the server had already sent it (redelivered only after
      // ack_wait), and one such message was seen submitted twice after a drain.
      settler.giveBack(d, fetchExpiresMs, 'carrier paused');
      return;
    }
    const mt = d.body;
    // Checked on every delivery, retries included: past these points the message must never reach the SMSC.
    if (o.isCanceled?.(mt.id)) {
      settler.fail(d, 'canceled', 'canceled by the client before it was submitted');
      return;
    }
    const now = clock.now();
    if (mt.validUntil !== undefined && now >= mt.validUntil) {
      settler.fail(d, 'expired', 'the validity period ended before it could be submitted');
      return;
    }
    if (o.pacer) {
      if (waitForTurn(d, o.pacer, now)) return;
      // Deliveries that only waited for the sender's turn are not attempts (retry limits, resubmit counts).
      const waits = o.pacer.waits(mt.id);
      if (waits > 0) d = withAttempts(d, Math.max(1, d.deliveryCount - waits));
    }
    if (d.deliveryCount > 1) o.metrics.resubmits.inc(labels);
    let pdus: PduInit<SubmitSmPdu>[];
    try {
      pdus = buildSubmitPdus(mt, o.submit, now);
    } catch (err) {
      settler.fail(d, 'rejected', `cannot encode for this carrier: ${errorMessage(err)}`);
      return;
    }
    const job: Job = { delivery: d, mt, pdus, outcomes: new Array(pdus.length), left: pdus.length };
    jobs.add(job);
    if (debug) log.debug({ messageId: mt.id, parts: pdus.length, deliveryCount: d.deliveryCount, traceparent: d.traceparent }, 'submitting');
    for (let i = 0; i < pdus.length; i++) queue.push({ job, index: i, sentNo: 0 });
    pump();
  }

  /** Messages held for their sender's turn (a short wait), with the timer that lets each go. */
  const held = new Map<Delivery<MtMessage>, Cancel>();
  const maxHeld = Math.max(20, 2 * o.window);

  /** True when the message must wait for its sender's turn: held here for a short wait, else given back delayed. */
  function waitForTurn(d: Delivery<MtMessage>, pacer: SenderPacer, now: number): boolean {
    const wait = pacer.admit(d.body.from, d.body.id, now);
    if (wait <= 0) return false;
    if (wait <= HOLD_MAX_MS && held.size < maxHeld) {
      paced('held').inc();
      // Held, not forgotten: JetStream's ack timer starts again, so it does not hand the message to another bind.
      d.inProgress();
      held.set(
        d,
        clock.setTimer(wait, () => {
          held.delete(d);
          onDelivery(d);
        }),
      );
      return true;
    }
    paced('delayed').inc();
    pacer.delayed(d.body.id);
    settler.giveBack(d, wait, "waiting for its sender's turn");
    return true;
  }

  /**
   * Room for more messages: free window and tokens not yet claimed by queued segments. Messages whose
   * responses are in but whose events are not yet stored still hold their window slot, so at most
   * `window` messages per bind are ever sent-but-unacked (the bound on duplicates after a crash).
   */
  function room(s: Session): number {
    return Math.min(s.free() - settler.settling, bucket.available()) - queue.length;
  }

  async function fetchLoop(s: Session): Promise<void> {
    const threshold = Math.max(1, Math.floor(Math.min(o.window, Math.ceil(o.tps / 10)) / 2));
    while (!core.stopping && s.state !== 'closed') {
      if (o.isPaused?.()) {
        // Paused by an operator: fetch nothing; what is queued in JetStream waits there for the resume.
        if (queue.length > 0) pump();
        await new Promise<void>((resolve) => {
          wake = resolve;
          clock.setTimer(200, signal);
        });
        continue;
      }
      const r = room(s);
      if (r < threshold && !(r > 0 && jobs.size === 0)) {
        // Queued segments hold the room; if nothing else is pumping them (as happened to segments fetched
        // just as the previous session was lost), this loop would wait here for good: pump them now.
        if (queue.length > 0) pump();
        await new Promise<void>((resolve) => {
          wake = resolve;
          const ms = queue.length > 0 || s.free() <= 0 ? 50 : Math.max(1, bucket.msUntilToken());
          clock.setTimer(Math.min(ms, 50), signal);
        });
        continue;
      }
      try {
        fetching = o.source.fetch(r, fetchExpiresMs, onDelivery);
        await fetching.done;
      } catch (err) {
        if (core.stopping) break;
        log.warn({ err: errorMessage(err) }, 'fetch failed; retrying');
        await sleep(500);
      } finally {
        fetching = undefined;
      }
    }
  }

  // --- lifecycle -----------------------------------------------------------------------------------

  function failQueued(): void {
    while (queue.length > 0) record(queue.shift()!, { kind: 'closed' });
  }

  return {
    start() {
      running ??= run();
    },
    async stop(timeoutMs) {
      core.stopping = true;
      core.state = 'draining';
      void fetching?.close();
      // Still waiting for a bind slot: stop waiting (a held slot is given up once the session is closed). Draining
      // sends nothing new: the other binds of the account may take this one's share now.
      slot?.cancelWait();
      slot?.sending(false);
      for (const [d, cancel] of held) {
        cancel();
        d.settle({ kind: 'retry', delayMs: 0 });
      }
      held.clear();
      if (backoffTimer) {
        backoffTimer.cancel();
        backoffTimer.resolve();
      }
      signal();
      // Segments not yet sent go back to JetStream at once, so another bind can take them.
      failQueued();
      const s = core.session;
      if (s && s.state !== 'closed') {
        await s.drain(timeoutMs);
        const deadline = clock.now() + timeoutMs;
        while (jobs.size > 0 && clock.now() < deadline) await sleepOn(clock, 10);
        await s.unbind(2000).catch(() => s.close());
      }
      pumpTimer?.();
      await running;
      await slot?.release();
      core.state = 'closed';
      log.info({}, 'bind closed');
    },
    state: () => core.state,
    info: () => ({
      carrier: o.carrier,
      bindNo: o.bindNo,
      state: core.state,
      inFlight: core.session?.inFlight() ?? 0,
      rate: bucket.rate(),
      window: o.window,
      tps: o.tps,
      paused: o.isPaused?.() ?? false,
      throttles,
      submitted: submittedSegments,
      delivered,
    }),
  };
}

/** The same delivery, counting `attempts` deliveries (those that only waited for a sender's turn left out). */
function withAttempts(d: Delivery<MtMessage>, attempts: number): Delivery<MtMessage> {
  return {
    body: d.body,
    subject: d.subject,
    seq: d.seq,
    deliveryCount: attempts,
    storedAt: d.storedAt,
    lastAttempt: d.lastAttempt,
    // Kept so that a paced message's log lines stay in its trace.
    ...(d.traceparent !== undefined ? { traceparent: d.traceparent } : {}),
    settle: (s) => d.settle(s),
    inProgress: () => d.inProgress(),
  };
}
