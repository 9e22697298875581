/**
 * Accepting messages: validate, route, count segments, assign an id, honour the Idempotency-Key, and store each
 * message durably in JetStream — SMS_MT for its carrier, or SMS_SCHEDULED when it has a sendAt ahead. The one accept
 * path of every front door (HTTP and the NATS API call it alike); knows nothing of either transport.
 *
 * A batch prepares every item first (pure work), then starts every claim and publish before awaiting any: they share
 * the connection's writes and its one PubAck subscription, so a batch of 1,000 costs a few round trips, not 1,000.
 */
import { idempotentMessageId, newMessageId } from '../core/ids.js';
import { errorMessage } from '../core/errors.js';
import { createTraceIds, TRACEPARENT, type TraceIds } from '../core/trace-context.js';
import { encodeMt } from '../bus/codec.js';
import { StreamFullError, type Publisher } from '../bus/publisher.js';
import { Subjects } from '../bus/subjects.js';
import { debugEnabled, noopLogger, type Logger } from '../log/logger.js';
import type { Router } from '../routing/route-rules.js';
import type { ConcatMethod } from '../sms/analyze.js';
import { analyzeContent } from '../sms/content.js';
import type { ContentEncoding, MtMessage } from '../sms/message.js';
import { validateBatchItem, validateSubmit, type FieldProblem, type SubmitInput } from '../sms/submit-request.js';
import { fingerprint, type IdempotencyStore, type StoredResult } from './idempotency.js';

/** Why a message could not be stored: the cause decides the 503's detail and is logged once per interval. */
export type UnavailableCause = 'bus' | 'backlog_full' | 'schedule_full' | 'idempotency_store';

export type AcceptResult =
  | ({ kind: 'accepted'; replayed: boolean } & StoredResult)
  | { kind: 'dry_run'; status: 'accepted' | 'scheduled'; carrier: string; segments: number; encoding: ContentEncoding; sendAt?: number | undefined }
  | { kind: 'invalid'; problems: FieldProblem[] }
  | { kind: 'no_route'; to: string }
  /** The client may not send from this sender ID (its allowedSenders). */
  | { kind: 'sender_not_allowed'; from: string }
  /** The destination opted out of this client's messages (from this sender, or from all of them). */
  | { kind: 'opted_out'; to: string; from: string }
  /** The Idempotency-Key was used before with a different body. */
  | { kind: 'key_mismatch' }
  /** A request with this Idempotency-Key is still being stored. */
  | { kind: 'key_in_flight' }
  | { kind: 'unavailable'; cause: UnavailableCause; reason: string };

export interface AcceptRequest {
  clientId: string;
  body: unknown;
  idempotencyKey?: string | undefined;
  dryRun?: boolean;
  /** The caller's W3C traceparent, if any: the message continues that trace, or starts its own. */
  traceparent?: string | undefined;
}

export interface AcceptorDeps {
  publisher: Publisher;
  /** Picks the carrier from the destination, the client and the sender (the config's routes, then the prefixes). */
  routes: Router;
  /** Whether a client may use a sender ID; every sender is allowed when absent. */
  allowSender?: (clientId: string, from: string) => boolean;
  /** How each carrier joins segments: a 16-bit UDH reference leaves one unit less per part. */
  concatFor?: (carrier: string) => ConcatMethod | undefined;
  maxTextLength: number;
  publishDeadlineMs: number;
  /** How far ahead sendAt may be (default 35 days). */
  maxAheadMs?: number;
  /** Keyed requests are remembered here; without it a key only deduplicates within JetStream's window. */
  idempotency?: IdempotencyStore;
  /** Told every message newly stored (not a JetStream duplicate or an idempotent replay). */
  onAccepted?: (carrier: string, clientId: string) => void;
  /** Is `to` on the client's opt-out list for this sender? Checked in memory on every send (inbound/opt-outs.ts). */
  optedOut?: (clientId: string, to: string, from: string) => boolean;
  /** True while the MT backlog is at its bound (bus/backlog-guard.ts): immediate sends are refused before publishing. */
  backlogFull?: () => boolean;
  /** Told the size of every MT message stored, for the backlog guard's estimate between its readings. */
  onStored?: (bytes: number) => void;
  /** Told every message stored or found stored (a JetStream duplicate): its accepted record goes out from here. */
  onRecorded?: (mt: MtMessage, scheduled: boolean, traceparent: string) => void;
  /** Makes each message's traceparent (default: ids of this process). */
  traceIds?: TraceIds;
  /** Each stored message is logged at debug level with its id and traceparent. */
  log?: Logger;
  /** Status changes are forwarded for callbacks; without them a message's own callbackUrl is refused, not ignored. */
  callbacksEnabled?: boolean;
  now?: () => number;
}

export interface Acceptor {
  accept(req: AcceptRequest): Promise<AcceptResult>;
  /** Each item alone: one bad item never fails the others; results in request order. */
  acceptBatch(clientId: string, items: readonly unknown[], dryRun?: boolean, traceparent?: string): Promise<AcceptResult[]>;
}

/** A sendAt less than this far ahead is sent at once (status accepted) rather than held. */
export const SCHEDULE_MIN_LEAD_MS = 1000;

type Prepared =
  | { kind: 'ready'; mt: MtMessage; subject: string; input: SubmitInput; key: string | undefined; status: 'accepted' | 'scheduled'; traceparent: string }
  | Exclude<AcceptResult, { kind: 'accepted' }>;

export function createAcceptor(deps: AcceptorDeps): Acceptor {
  const now = deps.now ?? Date.now;
  const limits = { maxTextLength: deps.maxTextLength };
  const maxAheadMs = deps.maxAheadMs ?? 35 * 24 * 3600_000;
  const traceIds = deps.traceIds ?? createTraceIds();
  const log = (deps.log ?? noopLogger).child({ component: 'accept' });
  // The traceparent travels as a NATS header: the MT body keeps its schema, and connectors read it from there.
  const publishOpts = (p: { mt: MtMessage; traceparent: string }) => ({ msgID: p.mt.id, deadlineMs: deps.publishDeadlineMs, headers: { [TRACEPARENT]: p.traceparent } });

  const debug = debugEnabled(log);
  function stored(p: Extract<Prepared, { kind: 'ready' }>): void {
    if (debug) log.debug({ messageId: p.mt.id, carrier: p.mt.carrier, status: p.status, traceparent: p.traceparent }, 'message accepted');
  }

  function prepare(clientId: string, input: SubmitInput, key: string | undefined, at: number, traceparent: string | undefined): Prepared {
    const { to, from, text, clientRef } = input;
    if (deps.allowSender && !deps.allowSender(clientId, from)) return { kind: 'sender_not_allowed', from };
    const carrier = deps.routes.lookup(to, clientId, from);
    if (carrier === undefined) return { kind: 'no_route', to };
    if (input.callbackUrl !== undefined && deps.callbacksEnabled === false) {
      return { kind: 'invalid', problems: [{ field: 'callbackUrl', message: 'cannot be used: callbacks are not enabled on this gateway (callbacks.enabled)' }] };
    }
    const content = analyzeContent(text, input.encoding, deps.concatFor?.(carrier) ?? 'udh8');
    if (!content.ok) return { kind: 'invalid', problems: [{ field: 'text', message: content.reason }] };
    let sendAt = input.sendAt;
    if (sendAt !== undefined) {
      if (sendAt - at > maxAheadMs) {
        return { kind: 'invalid', problems: [{ field: 'sendAt', message: `is more than ${Math.floor(maxAheadMs / 86_400_000)} days ahead` }] };
      }
      // Due already (or within the second): sent at once, and says so (status accepted, not scheduled).
      if (sendAt - at < SCHEDULE_MIN_LEAD_MS) sendAt = undefined;
    }
    const { encoding, segments } = content;
    const id = key ? idempotentMessageId(clientId, key) : newMessageId(at);
    const mt: MtMessage = { id, clientId, clientRef, carrier, to, from, text, encoding, segments, acceptedAt: at };
    if (sendAt !== undefined) mt.sendAt = sendAt;
    if (input.validity !== undefined) mt.validUntil = (sendAt ?? at) + input.validity * 1000;
    if (input.callbackUrl !== undefined) mt.callbackUrl = input.callbackUrl;
    const scheduled = sendAt !== undefined;
    return {
      kind: 'ready',
      mt,
      subject: scheduled ? Subjects.scheduled(carrier) : Subjects.mt(carrier),
      input,
      key,
      status: scheduled ? 'scheduled' : 'accepted',
      traceparent: traceIds.next(traceparent),
    };
  }

  function resultOf(p: Extract<Prepared, { kind: 'ready' }>): StoredResult {
    const { id, carrier, segments, encoding, sendAt } = p.mt;
    return sendAt === undefined ? { id, status: p.status, carrier, segments, encoding } : { id, status: p.status, carrier, segments, encoding, sendAt };
  }

  function unavailable(err: unknown, scheduled: boolean): AcceptResult {
    // A stream at its limit refuses the publish: SMS_SCHEDULED's max_msgs, or the carrier's backlog (SMS_MT's max_bytes).
    const full = err instanceof StreamFullError;
    return { kind: 'unavailable', cause: full ? (scheduled ? 'schedule_full' : 'backlog_full') : 'bus', reason: errorMessage(err) };
  }

  /** The opt-out refusal, when the destination is on the client's list for this sender (in memory, no I/O). */
  function optedOut(p: Extract<Prepared, { kind: 'ready' }>): AcceptResult | undefined {
    const { clientId, to, from } = p.mt;
    return deps.optedOut?.(clientId, to, from) ? { kind: 'opted_out', to, from } : undefined;
  }

  /** Publishes a prepared message; the unkeyed path is one publish and nothing else. */
  async function store(p: Extract<Prepared, { kind: 'ready' }>): Promise<AcceptResult> {
    const idem = p.key !== undefined ? deps.idempotency : undefined;
    // A keyed retry of a message accepted before the number opted out gets its first answer (below), not a 422 that
    // would say it was never sent.
    if (!idem) {
      const refused = optedOut(p);
      if (refused) return refused;
    }
    if (p.status === 'accepted' && deps.backlogFull?.()) {
      return { kind: 'unavailable', cause: 'backlog_full', reason: 'the backlog is at its bound (nats.maxBacklogBytes)' };
    }
    if (!idem) {
      try {
        const data = encodeMt(p.mt);
        const ack = await deps.publisher.publish(p.subject, data, publishOpts(p));
        if (!ack.duplicate) deps.onStored?.(data.length);
        if (!ack.duplicate) deps.onAccepted?.(p.mt.carrier, p.mt.clientId);
        deps.onRecorded?.(p.mt, p.status === 'scheduled', p.traceparent);
        stored(p);
        return { kind: 'accepted', replayed: ack.duplicate, ...resultOf(p) };
      } catch (err) {
        return unavailable(err, p.status === 'scheduled');
      }
    }
    const key = p.mt.id;
    const fp = fingerprint(p.input);
    let claim;
    try {
      claim = await idem.claim(key, fp, resultOf(p));
    } catch (err) {
      return { kind: 'unavailable', cause: 'idempotency_store', reason: errorMessage(err) };
    }
    switch (claim.kind) {
      case 'replay':
        return { kind: 'accepted', replayed: true, ...claim.result };
      case 'mismatch':
        return { kind: 'key_mismatch' };
      case 'in_flight':
        return { kind: 'key_in_flight' };
      case 'owner':
        break;
    }
    // Taken over from an edge that died holding the key: store it as that edge recorded it, so that JetStream's
    // deduplication (per stream) sees the same id in the same stream, and answer what that edge may have answered.
    const q = claim.prior ? asRecorded(p, claim.prior) : p;
    const refused = optedOut(q);
    if (refused) {
      await idem.release(key, claim.revision).catch(() => {});
      return refused;
    }
    let duplicate: boolean;
    try {
      const data = encodeMt(q.mt);
      duplicate = (await deps.publisher.publish(q.subject, data, publishOpts(q))).duplicate;
      if (!duplicate) deps.onStored?.(data.length);
    } catch (err) {
      // Nothing was stored (or, after a timeout, maybe it was: the retry re-publishes with the same id, deduplicated).
      await idem.release(key, claim.revision).catch(() => {});
      return unavailable(err, q.status === 'scheduled');
    }
    // The claim recorded this answer; from here on it is the key's answer.
    idem.settle(key);
    if (!duplicate) deps.onAccepted?.(q.mt.carrier, q.mt.clientId);
    deps.onRecorded?.(q.mt, q.status === 'scheduled', q.traceparent);
    stored(q);
    return { kind: 'accepted', replayed: duplicate, ...resultOf(q) };
  }

  /** The prepared message as an earlier claim of the same request recorded it (carrier, hold and parts). */
  function asRecorded(p: Extract<Prepared, { kind: 'ready' }>, r: StoredResult): Extract<Prepared, { kind: 'ready' }> {
    const mt: MtMessage = { ...p.mt, carrier: r.carrier, segments: r.segments, encoding: r.encoding };
    delete mt.sendAt;
    if (r.sendAt !== undefined) mt.sendAt = r.sendAt;
    if (p.input.validity !== undefined) mt.validUntil = (r.sendAt ?? mt.acceptedAt) + p.input.validity * 1000;
    const scheduled = r.status === 'scheduled';
    return { ...p, mt, status: r.status, subject: scheduled ? Subjects.scheduled(r.carrier) : Subjects.mt(r.carrier) };
  }

  function dryRun(p: Extract<Prepared, { kind: 'ready' }>): AcceptResult {
    const refused = optedOut(p);
    if (refused) return refused;
    const { carrier, segments, encoding, sendAt } = p.mt;
    return { kind: 'dry_run', status: p.status, carrier, segments, encoding, sendAt };
  }

  return {
    async accept(req) {
      const v = validateSubmit(req.body, limits);
      if (!v.ok) return { kind: 'invalid', problems: v.problems };
      const p = prepare(req.clientId, v.value, req.idempotencyKey, now(), req.traceparent);
      if (p.kind !== 'ready') return p;
      return req.dryRun ? dryRun(p) : store(p);
    },
    acceptBatch(clientId, items, isDryRun = false, traceparent) {
      const at = now();
      const keys = new Set<string>();
      return Promise.all(
        items.map((item): AcceptResult | Promise<AcceptResult> => {
          const v = validateBatchItem(item, limits);
          if (!v.ok) return { kind: 'invalid', problems: v.problems };
          const key = v.value.idempotencyKey;
          if (key !== undefined) {
            // Two items of one batch claiming one key would race each other; refuse the second plainly.
            if (keys.has(key)) return { kind: 'invalid', problems: [{ field: 'idempotencyKey', message: 'is used by an earlier item of this batch' }] };
            keys.add(key);
          }
          const p = prepare(clientId, v.value, key, at, traceparent);
          if (p.kind !== 'ready') return p;
          return isDryRun ? dryRun(p) : store(p);
        }),
      );
    },
  };
}
