/**
 * The failed-callback operations of the API, transport-neutral like the rest of the front door: a client lists its
 * callbacks that failed for good (newest first, cursor pages) and replays one, which sends the same body under the
 * same webhook-id again (a fresh timestamp and signature) through the callback worker, with a fresh retry schedule,
 * and switches its endpoint on again if a 410 had disabled it.
 */
import { randomUUID } from 'node:crypto';
import type { CallbackJob } from '../bus/codec-changes.js';
import type { CallbackStore, FailedCallback } from '../callbacks/callback-store.js';
import { errorMessage } from '../core/errors.js';
import type { CauseLog } from '../log/cause-log.js';
import type { ApiClient } from './client-auth.js';
import { problemReply, type Reply } from './reply.js';

export interface FailedCallbacksDeps {
  /** Without a database both operations answer 503. */
  store: Pick<CallbackStore, 'listFailures' | 'takeForReplay' | 'recordFailure'> | undefined;
  publishJob(job: CallbackJob, msgID: string): Promise<void>;
  logCause: CauseLog;
  now?: () => number;
}

export interface FailedCallbacks {
  list(client: ApiClient, query: Readonly<Record<string, string | undefined>>): Promise<Reply>;
  replay(client: ApiClient, webhookId: string): Promise<Reply>;
}

export const MAX_FAILED_LIMIT = 500;

const view = (f: FailedCallback) => {
  let payload: unknown;
  try {
    payload = JSON.parse(f.body);
  } catch {
    payload = f.body;
  }
  return { webhookId: f.webhookId, type: f.type, messageId: f.ref, url: f.url, attempts: f.attempts, lastError: f.lastError, failedAt: f.failedAt, payload };
};

function decodeCursor(s: string): { at: string; id: string } | undefined {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && Number.isFinite(Date.parse(v[0])) && typeof v[1] === 'string' && v[1].length <= 200) return { at: v[0], id: v[1] };
  } catch {
    // not one of ours
  }
  return undefined;
}

export function createFailedCallbacks(deps: FailedCallbacksDeps): FailedCallbacks {
  const now = deps.now ?? Date.now;
  const unavailable = (why: string, err?: unknown) => {
    deps.logCause(why, err === undefined ? '' : errorMessage(err));
    return problemReply('unavailable', `${why}; try again later.`, {}, { 'Retry-After': '1' });
  };
  return {
    async list(client, query) {
      const problems: { field: string; message: string }[] = [];
      for (const k of Object.keys(query)) if (k !== 'limit' && k !== 'cursor' && query[k] !== undefined) problems.push({ field: k, message: 'is not a known parameter (allowed: limit, cursor)' });
      let limit = 100;
      if (query.limit !== undefined && query.limit !== '') {
        limit = Number(query.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FAILED_LIMIT) problems.push({ field: 'limit', message: `must be a whole number from 1 to ${MAX_FAILED_LIMIT}` });
      }
      let after: { at: string; id: string } | undefined;
      if (query.cursor) {
        after = decodeCursor(query.cursor);
        if (!after) problems.push({ field: 'cursor', message: 'is not a cursor this API returned (use nextCursor as it came)' });
      }
      if (problems.length > 0) return problemReply('invalidRequest', `Invalid parameters: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, { errors: problems });
      if (!deps.store) return unavailable('no status database configured');
      try {
        const page = await deps.store.listFailures(client.id, limit, after);
        const nextCursor = page.next ? Buffer.from(JSON.stringify([page.next.at, page.next.id])).toString('base64url') : null;
        return { status: 200, body: { callbacks: page.callbacks.map(view), nextCursor } };
      } catch (err) {
        return unavailable('the status database did not answer', err);
      }
    },

    async replay(client, webhookId) {
      if (!deps.store) return unavailable('no status database configured');
      let f: FailedCallback | null;
      try {
        f = await deps.store.takeForReplay(client.id, webhookId);
      } catch (err) {
        return unavailable('the status database did not answer', err);
      }
      if (!f) return problemReply('notFound', `No failed callback ${webhookId} waiting for replay (it may have been replayed already).`);
      const at = now();
      const job: CallbackJob = { wid: f.webhookId, client: client.id, url: f.url, body: f.body, attempts: 0, due: at, made: at, ref: f.ref, type: f.type === 'message.inbound' ? 'message.inbound' : 'message.status', replay: true };
      try {
        await deps.publishJob(job, `${f.webhookId}.replay.${randomUUID()}`);
      } catch (err) {
        // Put it back on the list: the client can replay it again.
        const { replay: _replay, ...again } = job;
        await deps.store.recordFailure({ ...again, attempts: f.attempts }, f.lastError, Date.parse(f.failedAt)).catch(() => {});
        return unavailable('NATS is unavailable', err);
      }
      return { status: 202, body: { webhookId: f.webhookId, status: 'replaying' } };
    },
  };
}
