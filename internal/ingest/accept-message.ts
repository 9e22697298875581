/**
 * Accepting a message: validate, route, count segments, assign an id and store it durably in JetStream.
 * Shared by every front door (HTTP today, the NATS API next); knows nothing of HTTP.
 */
import { idempotentMessageId, newMessageId } from '../core/ids.js';
import { errorMessage } from '../core/errors.js';
import { encodeMt } from '../bus/codec.js';
import { StreamFullError, type Publisher } from '../bus/publisher.js';
import { Subjects } from '../bus/subjects.js';
import type { RouteTable } from '../routing/route-table.js';
import type { ConcatMethod } from '../sms/analyze.js';
import { analyzeContent } from '../sms/content.js';
import type { ContentEncoding, MtMessage } from '../sms/message.js';
import { validateSubmit, type FieldProblem } from '../sms/submit-request.js';

export type AcceptResult =
  | { kind: 'accepted'; id: string; carrier: string; segments: number; encoding: ContentEncoding; duplicate: boolean }
  | { kind: 'invalid'; problems: FieldProblem[] }
  | { kind: 'no_route'; to: string }
  /** `backlogFull`: the carrier's backlog (SMS_MT) is at its limit; otherwise the bus could not be reached in time. */
  | { kind: 'unavailable'; reason: string; backlogFull: boolean };

export interface AcceptorDeps {
  publisher: Publisher;
  routes: RouteTable;
  /** How each carrier joins segments: a 16-bit UDH reference leaves one unit less per part. */
  concatFor?: (carrier: string) => ConcatMethod | undefined;
  maxTextLength: number;
  publishDeadlineMs: number;
  onAccepted?: (carrier: string) => void;
  now?: () => number;
}

export type Acceptor = (clientId: string, body: unknown, idempotencyKey?: string) => Promise<AcceptResult>;

export function createAcceptor(deps: AcceptorDeps): Acceptor {
  const now = deps.now ?? Date.now;
  const limits = { maxTextLength: deps.maxTextLength };
  return async function accept(clientId, body, idempotencyKey) {
    const v = validateSubmit(body, limits);
    if (!v.ok) return { kind: 'invalid', problems: v.problems };
    const { to, from, text, clientRef } = v.value;
    const carrier = deps.routes.lookup(to);
    if (carrier === undefined) return { kind: 'no_route', to };
    const content = analyzeContent(text, v.value.encoding, deps.concatFor?.(carrier) ?? 'udh8');
    if (!content.ok) return { kind: 'invalid', problems: [{ field: 'text', message: content.reason }] };
    const { encoding, segments } = content;
    const at = now();
    const id = idempotencyKey ? idempotentMessageId(clientId, idempotencyKey) : newMessageId(at);
    const msg: MtMessage = { id, clientId, clientRef, carrier, to, from, text, encoding, segments, acceptedAt: at };
    try {
      const ack = await deps.publisher.publish(Subjects.mt(carrier), encodeMt(msg), { msgID: id, deadlineMs: deps.publishDeadlineMs });
      if (!ack.duplicate) deps.onAccepted?.(carrier);
      return { kind: 'accepted', id, carrier, segments, encoding, duplicate: ack.duplicate };
    } catch (err) {
      return { kind: 'unavailable', reason: errorMessage(err), backlogFull: err instanceof StreamFullError };
    }
  };
}
