/**
 * The operations of the public API — send, batch, get, list, cancel — as one transport-neutral function each, from
 * the authenticated client and the raw request to a Reply (status, body, headers). HTTP and the NATS API both call
 * these and only put the Reply on their wire, so the same request gets the same answer through either door: same
 * validation, routing, ids, idempotency, rate limits and problem details.
 */
import { decodeUtf8 } from '../core/utf8.js';
import { MESSAGE_ID_RE } from '../core/ids.js';
import { errorMessage } from '../core/errors.js';
import type { Acceptor, AcceptResult } from '../ingest/accept-message.js';
import type { CauseLog } from '../log/cause-log.js';
import type { CancelWriter } from '../schedule/cancellations.js';
import { validateBatchEnvelope, IDEMPOTENCY_KEY } from '../sms/submit-request.js';
import type { StatusStore } from '../status/status-store.js';
import type { FailedEvent } from '../sms/events.js';
import type { ApiClient } from './client-auth.js';
import { parseListQuery } from './list-query.js';
import { problemBody } from './problems.js';
import type { ClientLimits, LimitRefusal } from './client-limits.js';
import { limitHeaders } from './limit-headers.js';
import { problemReply, type Reply } from './reply.js';

export interface FrontDoorDeps {
  acceptor: Acceptor;
  /** Per-client rate limits and daily quotas (client-limits.ts). */
  limits: ClientLimits;
  /** The status database; without it get, list and cancel answer 503. */
  store: StatusStore | undefined;
  /** Where cancellations are recorded; without it cancel answers 503. */
  cancels: CancelWriter | undefined;
  /** Stores a `canceled` final state (SMS_EVENTS) for a held message canceled in good time. */
  publishCanceled?: (ev: FailedEvent) => Promise<void>;
  /** Every 503 says why in the log, once per cause per interval. */
  logCause: CauseLog;
  maxBatchSize: number;
  retryAfterS: number;
  now?: () => number;
}

export interface SendRequest {
  body: Uint8Array;
  /** The Idempotency-Key header (HTTP) or NATS header, as received. */
  idempotencyKey: string | undefined;
  /** `?dryRun=` (HTTP) or the Smsmesh-Dry-Run NATS header, as received. */
  dryRun: string | undefined;
  /** The W3C `traceparent` header (HTTP or NATS), as received: each message continues that trace. */
  traceparent?: string | undefined;
}

export interface FrontDoor {
  send(client: ApiClient, r: SendRequest): Promise<Reply>;
  batch(client: ApiClient, r: SendRequest): Promise<Reply>;
  get(client: ApiClient, id: string): Promise<Reply>;
  list(client: ApiClient, query: Readonly<Record<string, string | undefined>>): Promise<Reply>;
  cancel(client: ApiClient, id: string): Promise<Reply>;
}

/** A held message due later than this is canceled for certain: schedulers see the cancellation long before. */
export const CANCEL_FENCE_MS = 2000;

/** Draft-07 sends the key as a structured-field string ("…"); a bare token is taken as it is. */
export function parseIdempotencyKey(raw: string | undefined): { ok: true; key: string | undefined } | { ok: false } {
  if (raw === undefined) return { ok: true, key: undefined };
  const key = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  return IDEMPOTENCY_KEY.test(key) ? { ok: true, key } : { ok: false };
}

/** "true"/"1" and "false"/"0" (or absent); anything else is a mistake worth naming. */
export function parseDryRun(raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  return undefined;
}

const RETRY_HINT = 'it is safe to retry (with an Idempotency-Key, a retry never sends twice)';

export function createFrontDoor(deps: FrontDoorDeps): FrontDoor {
  const now = deps.now ?? Date.now;
  const retryAfter = { 'Retry-After': String(deps.retryAfterS) };

  function unavailable(cause: string, logged: string, detail: string): Reply {
    deps.logCause(cause, logged);
    return problemReply('unavailable', detail, {}, retryAfter);
  }

  /** One accept outcome as the single-send answer (HTTP status and body), or a batch item's entry. */
  function fromResult(r: AcceptResult): Reply {
    switch (r.kind) {
      case 'accepted': {
        const body: Record<string, unknown> = { id: r.id, status: r.status, carrier: r.carrier, segments: r.segments, encoding: r.encoding };
        if (r.sendAt !== undefined) body.sendAt = new Date(r.sendAt).toISOString();
        const headers: Record<string, string> = { Location: `/v1/messages/${r.id}` };
        if (r.replayed) headers['Idempotent-Replayed'] = 'true';
        return { status: 202, body, headers };
      }
      case 'dry_run': {
        const body: Record<string, unknown> = { dryRun: true, status: r.status, carrier: r.carrier, segments: r.segments, encoding: r.encoding };
        if (r.sendAt !== undefined) body.sendAt = new Date(r.sendAt).toISOString();
        return { status: 200, body };
      }
      case 'invalid':
        return problemReply('invalidRequest', r.problems.map((p) => `${p.field} ${p.message}`).join('; '), { errors: r.problems });
      case 'sender_not_allowed':
        return problemReply('senderNotAllowed', `This client may not send from ${JSON.stringify(r.from)}; the sender IDs it may use are configured (allowedSenders).`, {
          errors: [{ field: 'from', message: 'is not an allowed sender ID for this client' }],
        });
      case 'no_route':
        return problemReply('noRoute', `No carrier is configured for destination ${r.to}; check the carriers' prefixes.`);
      case 'opted_out':
        return problemReply('optedOut', `${r.to} has opted out of your messages from ${JSON.stringify(r.from)} (an opt-out keyword such as STOP, or your own opt-out list); it is lifted when the number sends START, or through DELETE /v1/opt-outs/{number}.`, { to: r.to });
      case 'key_mismatch':
        return problemReply('idempotencyKeyReused', 'This Idempotency-Key was used with a different request body; use a new key for a new message.');
      case 'key_in_flight':
        return problemReply('idempotencyKeyInFlight', 'A request with this Idempotency-Key is still being processed; retry in a moment to get its result.', {}, { 'Retry-After': '1' });
      case 'unavailable':
        switch (r.cause) {
          case 'schedule_full':
            return unavailable('schedule_full', r.reason, 'The message was not accepted: the schedule holds as many messages as it may (scheduling.maxScheduled); ' + RETRY_HINT + ' once some are sent.');
          case 'backlog_full':
            return unavailable('backlog_full', r.reason, 'The message was not accepted because the backlog of messages waiting for the carrier is full (nats.maxBacklogBytes); ' + RETRY_HINT + ' once it drains.');
          case 'idempotency_store':
            return unavailable('idempotency_store', r.reason, 'The message was not accepted because the idempotency records are unavailable; ' + RETRY_HINT + '.');
          case 'bus':
            return unavailable('bus', r.reason, 'The message was not accepted because the message bus is unavailable; ' + RETRY_HINT + '.');
        }
    }
  }

  function refused(client: ApiClient, why: LimitRefusal): Reply {
    const headers = limitHeaders(client, why);
    return why.kind === 'quota'
      ? problemReply('quotaExceeded', `Client ${client.id} has sent its daily quota of ${client.dailyQuota} messages (days are UTC); retry after ${why.retryAfterS} s.`, {}, headers)
      : problemReply('rateLimited', `Client ${client.id} may send ${client.rateLimit} messages per second; retry after ${why.retryAfterS} s.`, {}, headers);
  }

  /** Messages admitted but not sent (refused later, replays, dry runs) give their quota back. */
  function refundUnsent(client: ApiClient, results: readonly AcceptResult[]): void {
    let unsent = 0;
    for (const r of results) if (r.kind !== 'accepted' || r.replayed) unsent++;
    if (unsent > 0) deps.limits.refund(client.id, unsent);
  }

  function parseBody(body: Uint8Array): { ok: true; value: unknown } | { ok: false; reply: Reply } {
    const text = decodeUtf8(body);
    if (!text.ok) {
      return {
        ok: false,
        reply: problemReply('invalidUtf8', `The body is not valid UTF-8: the byte at offset ${text.offset} does not start a valid UTF-8 sequence. Nothing was replaced or sent.`, {
          offset: text.offset,
        }),
      };
    }
    try {
      return { ok: true, value: JSON.parse(text.text) };
    } catch (err) {
      return { ok: false, reply: problemReply('malformedJson', `The body is not valid JSON: ${errorMessage(err)}`) };
    }
  }

  const noStore = () =>
    unavailable('no_database', 'no status database configured', 'This edge has no status database configured (set DATABASE_URL).');

  return {
    async send(client, r) {
      const dryRun = parseDryRun(r.dryRun);
      if (dryRun === undefined) return problemReply('invalidRequest', 'dryRun must be true or false.');
      const taken = await deps.limits.admit(client.id, client, 1);
      if (taken.granted < 1) return refused(client, taken.refusal ?? { kind: 'rate', retryAfterS: 1 });
      const key = parseIdempotencyKey(r.idempotencyKey);
      if (!key.ok) {
        deps.limits.refund(client.id, 1);
        return problemReply('invalidRequest', 'Idempotency-Key must be 1 to 128 printable ASCII characters without spaces (optionally in double quotes).');
      }
      const body = parseBody(r.body);
      if (!body.ok) {
        deps.limits.refund(client.id, 1);
        return body.reply;
      }
      const result = await deps.acceptor.accept({ clientId: client.id, body: body.value, idempotencyKey: key.key, dryRun, traceparent: r.traceparent });
      refundUnsent(client, [result]);
      return fromResult(result);
    },

    async batch(client, r) {
      const dryRun = parseDryRun(r.dryRun);
      if (dryRun === undefined) return problemReply('invalidRequest', 'dryRun must be true or false.');
      if (r.idempotencyKey !== undefined) {
        return problemReply('invalidRequest', 'A batch takes no Idempotency-Key header: give each message its own idempotencyKey.');
      }
      const body = parseBody(r.body);
      if (!body.ok) return body.reply;
      const env = validateBatchEnvelope(body.value, deps.maxBatchSize);
      if (!env.ok) return problemReply('invalidRequest', env.problems.map((p) => `${p.field} ${p.message}`).join('; '), { errors: env.problems });
      // Each message is a token: the items past the client's rate get their own 429, the others go ahead.
      const taken = await deps.limits.admit(client.id, client, env.items.length);
      const why: LimitRefusal = taken.refusal ?? { kind: 'rate', retryAfterS: 1 };
      if (taken.granted === 0) return refused(client, why);
      const admitted = taken.granted < env.items.length ? env.items.slice(0, taken.granted) : env.items;
      const results = await deps.acceptor.acceptBatch(client.id, admitted, dryRun, r.traceparent);
      refundUnsent(client, results);
      const out: unknown[] = results.map((res) => fromResult(res).body);
      for (let i = admitted.length; i < env.items.length; i++) out.push(refused(client, why).body);
      return { status: 200, body: { results: out } };
    },

    async get(client, id) {
      if (!MESSAGE_ID_RE.test(id)) return problemReply('notFound', `No message with id ${JSON.stringify(id.slice(0, 64))}.`);
      if (!deps.store) return noStore();
      try {
        const view = await deps.store.getMessage(id, client.id);
        if (view) return { status: 200, body: view };
      } catch (err) {
        return unavailable('database', errorMessage(err), 'The status database is unavailable; retry shortly.');
      }
      return problemReply('notFound', `No message with id ${id} for this client (a message accepted a moment ago becomes visible within a second).`);
    },

    async list(client, query) {
      const q = parseListQuery(query);
      if (!q.ok) return problemReply('invalidRequest', q.problems.map((p) => `${p.field} ${p.message}`).join('; '), { errors: q.problems });
      if (!deps.store) return noStore();
      try {
        const page = await deps.store.listMessages(client.id, q.filter);
        return { status: 200, body: { messages: page.messages, nextCursor: page.next ? q.encodeCursor(page.next) : null } };
      } catch (err) {
        return unavailable('database', errorMessage(err), 'The status database is unavailable; retry shortly.');
      }
    },

    async cancel(client, id) {
      if (!MESSAGE_ID_RE.test(id)) return problemReply('notFound', `No message with id ${JSON.stringify(id.slice(0, 64))}.`);
      if (!deps.store) return noStore();
      if (!deps.cancels) return unavailable('no_cancellations', 'no cancellation store', 'This edge cannot record cancellations.');
      let view;
      try {
        view = await deps.store.getMessage(id, client.id);
      } catch (err) {
        return unavailable('database', errorMessage(err), 'The status database is unavailable; retry shortly.');
      }
      if (!view) return problemReply('notFound', `No message with id ${id} for this client (a message accepted a moment ago becomes visible within a second).`);
      if (view.status === 'canceled') return { status: 200, body: { id, status: 'canceled' } };
      if (view.status !== 'scheduled' && view.status !== 'accepted') {
        return problemReply('tooLateToCancel', `Message ${id} is ${view.status}: it has already been submitted to the carrier (or ended) and can no longer be canceled.`, {
          messageStatus: view.status,
        });
      }
      try {
        await deps.cancels.cancel(id, client.id);
      } catch (err) {
        return unavailable('cancellations', errorMessage(err), 'The cancellation could not be recorded; retry shortly.');
      }
      const sendAt = view.sendAt ? Date.parse(view.sendAt) : undefined;
      if (view.status === 'scheduled' && sendAt !== undefined && sendAt - now() > CANCEL_FENCE_MS) {
        // Held and not due for a while: no scheduler will release it now. Record the final state at once.
        await deps.publishCanceled?.({ kind: 'failed', id, carrier: view.carrier, status: 'canceled', error: 'canceled by the client before it was sent', at: now() }).catch(() => {});
        return { status: 200, body: { id, status: 'canceled' } };
      }
      // Queued (or due any moment): a connector skips it unless it had already taken it; GET tells which.
      return { status: 202, body: { id, status: 'canceling' } };
    },
  };
}

/** The problem a transport answers when it meets an error no operation expected (a bug): logged by the caller. */
export const internalProblem = () => problemBody('internal', 'An internal error occurred; it has been logged.');
