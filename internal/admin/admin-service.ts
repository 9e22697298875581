/**
 * The operations of the admin API, transport-neutral like the front door: each returns a Reply. Carriers with live
 * binds (every connector, over NATS) and queue depth (each carrier's consumer), pause / resume / drain, clients with
 * limits, scopes, keys and usage (every edge, over NATS), dead letters, the audit log, and a summary for the console.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { DeadLetterHeaders } from '../bus/dead-letters.js';
import { Durables, Streams } from '../bus/subjects.js';
import type { Scope } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import type { ApiClient, RuntimeKeyRecord } from '../frontdoor/client-auth.js';
import { problemReply, type Reply } from '../frontdoor/reply.js';
import type { AuditLog } from './audit-log.js';
import type { MoveResult } from './backlog-move.js';
import { carrierBacklogs } from './carrier-backlog.js';
import type { CarrierControl, CarrierState } from './carrier-control.js';
import { ACCEPT_BUCKETS_S, gatherBinds, gatherEdgeUsage, type ClientUsage, type EdgeUsage } from './edge-usage.js';
import { readNewestFirst } from './stream-pages.js';
import type { MessageTimeline } from '../status/message-timeline.js';
import { MESSAGE_ID_RE } from '../core/ids.js';

export interface AdminCarrier {
  id: string;
  binds: number;
  window: number;
  tps: number;
}

export interface AdminClient {
  id: string;
  rateLimit: number;
  scopes: readonly Scope[];
  /** Whether the config holds a key (plain or hashed) for it. */
  configKey: boolean;
}

/** A bind as connectors report it (internal/connector BindStatus; read as data, the connector is not imported). */
export interface ReportedBind {
  carrier: string;
  bindNo: number;
  connector: string;
  state: string;
  inFlight: number;
  rate: number;
  window: number;
  tps: number;
  paused: boolean;
  throttles: number;
  submitted: number;
  delivered: number;
}

export interface AdminDeps {
  carriers: readonly AdminCarrier[];
  clients: readonly AdminClient[];
  control: CarrierControl;
  audit: AuditLog;
  listKeys: () => Promise<RuntimeKeyRecord[]>;
  jsm: JetStreamManager;
  nc: NatsConnection;
  /** A message's timeline, any client's; undefined when this edge has no status database. */
  timeline: ((id: string) => Promise<MessageTimeline | null>) | undefined;
  /** The front door's list, as if asked by `clientId` (the same filters, paging and problems as GET /v1/messages). */
  listAs: (clientId: string, query: Readonly<Record<string, string | undefined>>) => Promise<Reply>;
  /** Moves a carrier's queued messages to another (admin/backlog-move.ts). */
  move: (from: string, to: string) => Promise<MoveResult>;
  /** How long scatter-gather requests (binds, edge usage) collect replies. */
  gatherMs?: number;
}

export interface AdminService {
  carriers(): Promise<Reply>;
  setCarrierState(who: ApiClient, carrier: string, action: 'pause' | 'resume' | 'drain'): Promise<Reply>;
  moveBacklog(who: ApiClient, carrier: string, body: unknown): Promise<Reply>;
  clients(): Promise<Reply>;
  deadLetters(query: Readonly<Record<string, string | undefined>>): Promise<Reply>;
  audit(query: Readonly<Record<string, string | undefined>>): Promise<Reply>;
  summary(): Promise<Reply>;
  message(id: string): Promise<Reply>;
  messages(query: Readonly<Record<string, string | undefined>>): Promise<Reply>;
}

const TARGET: Record<'pause' | 'resume' | 'drain', CarrierState> = { pause: 'paused', resume: 'active', drain: 'draining' };

function pageQuery(q: Readonly<Record<string, string | undefined>>): { ok: true; before: number | undefined; limit: number } | { ok: false; reply: Reply } {
  const errors: { field: string; message: string }[] = [];
  const limit = q.limit === undefined ? 50 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) errors.push({ field: 'limit', message: 'must be an integer from 1 to 200' });
  const before = q.before === undefined ? undefined : Number(q.before);
  if (before !== undefined && (!Number.isInteger(before) || before < 1)) errors.push({ field: 'before', message: 'must be a positive integer (a nextBefore from the previous page)' });
  if (errors.length > 0) return { ok: false, reply: problemReply('invalidRequest', errors.map((e) => `${e.field} ${e.message}`).join('; '), { errors }) };
  return { ok: true, before, limit };
}

const unavailable = (what: string, err: unknown) => problemReply('unavailable', `${what} is unavailable: ${errorMessage(err)}; retry shortly.`, {}, { 'Retry-After': '1' });

async function safely<T>(p: Promise<T>, fallback: T): Promise<T> {
  try {
    return await p;
  } catch {
    return fallback;
  }
}

export function createAdminService(d: AdminDeps): AdminService {
  const gatherMs = d.gatherMs ?? 300;
  const known = new Set(d.carriers.map((c) => c.id));

  /** The carrier's consumer: `waiting` never delivered, `ackPending` delivered and not yet settled. */
  async function consumer(carrier: string): Promise<{ waiting: number; ackPending: number; redelivered: number } | null> {
    try {
      const i = await d.jsm.consumers.info(Streams.mt, Durables.connector(carrier));
      return { waiting: i.num_pending, ackPending: i.num_ack_pending, redelivered: i.num_redelivered };
    } catch {
      return null;
    }
  }

  async function carrierList() {
    const [binds, backlogOf, queues, states] = await Promise.all([
      safely(gatherBinds<ReportedBind>(d.nc, gatherMs), []),
      safely(carrierBacklogs(d.jsm), undefined),
      Promise.all(d.carriers.map((c) => consumer(c.id))),
      Promise.all(d.carriers.map((c) => safely(d.control.get(c.id), { state: 'active' as CarrierState }))),
    ]);
    return d.carriers.map((c, i) => {
      const q = queues[i];
      const mine = binds.filter((b) => b.carrier === c.id).sort((a, b) => a.connector.localeCompare(b.connector) || a.bindNo - b.bindNo);
      const st = states[i]!;
      return {
        id: c.id,
        state: st.state,
        stateSince: 'record' in st && st.record ? st.record.at : null,
        stateBy: 'record' in st && st.record ? st.record.by : null,
        paused: st.state === 'paused',
        backlog: backlogOf ? backlogOf(c.id) : null,
        waiting: q ? q.waiting : null,
        ackPending: q ? q.ackPending : null,
        redelivered: q ? q.redelivered : null,
        bindsUp: mine.filter((b) => b.state === 'bound').length,
        configured: { binds: c.binds, window: c.window, tps: c.tps },
        binds: mine.map((b) => ({
          connector: b.connector,
          bindNo: b.bindNo,
          state: b.state,
          window: b.window,
          inFlight: b.inFlight,
          tps: b.tps,
          rate: b.rate,
          paused: b.paused,
          throttles: b.throttles,
          submitted: b.submitted,
          delivered: b.delivered,
        })),
      };
    });
  }

  return {
    async carriers() {
      return { status: 200, body: { carriers: await carrierList() } };
    },

    async setCarrierState(who, carrier, action) {
      if (!known.has(carrier)) return problemReply('notFound', `No carrier "${carrier.slice(0, 64)}"; see GET /v1/admin/carriers.`);
      const state = TARGET[action];
      const entry = { who: { client: who.id, keyId: who.keyId }, action: `carrier.${action}`, target: carrier };
      try {
        await d.control.set(carrier, state, who.keyId);
      } catch (err) {
        await d.audit.append({ ...entry, result: 'failed', detail: errorMessage(err) }).catch(() => {});
        return unavailable('The carrier control bucket', err);
      }
      // The action took effect; an audit entry that cannot be stored is reported, not hidden.
      try {
        await d.audit.append({ ...entry, result: 'ok' });
      } catch (err) {
        return { status: 200, body: { id: carrier, state, auditRecorded: false, auditError: errorMessage(err) } };
      }
      return { status: 200, body: { id: carrier, state, auditRecorded: true } };
    },

    async moveBacklog(who, carrier, body) {
      if (!known.has(carrier)) return problemReply('notFound', `No carrier "${carrier.slice(0, 64)}"; see GET /v1/admin/carriers.`);
      const to = (body as { to?: unknown } | null)?.to;
      if (typeof to !== 'string' || !known.has(to) || to === carrier) {
        return problemReply('invalidRequest', `The body must be {"to": "<carrier>"} naming another configured carrier (${[...known].filter((c) => c !== carrier).join(', ') || 'none'}).`, {
          errors: [{ field: 'to', message: typeof to !== 'string' ? 'is required' : to === carrier ? 'must differ from the source carrier' : 'is not a configured carrier' }],
        });
      }
      let current: CarrierState;
      try {
        current = (await d.control.get(carrier)).state;
      } catch (err) {
        return unavailable('The carrier control bucket', err);
      }
      if (current !== 'paused') {
        return problemReply('carrierNotPaused', `Carrier ${carrier} is ${current}: pause it first (POST /v1/admin/carriers/${carrier}/pause), so that no bind takes a message while it moves.`);
      }
      const entry = { who: { client: who.id, keyId: who.keyId }, action: 'carrier.move', target: `${carrier} -> ${to}` };
      let r: MoveResult;
      try {
        r = await d.move(carrier, to);
      } catch (err) {
        await d.audit.append({ ...entry, result: 'failed', detail: errorMessage(err) }).catch(() => {});
        return unavailable('Moving the backlog', err);
      }
      const detail = `moved ${r.moved}, kept ${r.kept} (delivered before), ${r.remaining} still queued${r.error ? `; stopped: ${r.error}` : ''}`;
      const recorded = await d.audit.append({ ...entry, result: r.error ? 'failed' : 'ok', detail }).then(
        () => true,
        () => false,
      );
      return { status: 200, body: { from: carrier, to, ...r, auditRecorded: recorded } };
    },

    async clients() {
      const [usage, keys] = await Promise.all([safely(gatherEdgeUsage(d.nc, gatherMs), [] as EdgeUsage[]), safely(d.listKeys(), [])]);
      const total = (id: string): ClientUsage & { edges: number } => {
        const out = { accepted: 0, rejected: {} as Record<string, number>, edges: usage.length };
        for (const e of usage) {
          const u = e.clients[id];
          if (!u) continue;
          out.accepted += u.accepted;
          for (const [k, v] of Object.entries(u.rejected)) out.rejected[k] = (out.rejected[k] ?? 0) + v;
        }
        return out;
      };
      return {
        status: 200,
        body: {
          clients: d.clients.map((c) => ({
            id: c.id,
            rateLimit: c.rateLimit,
            scopes: c.scopes,
            configKey: c.configKey,
            keys: keys.filter((k) => k.client === c.id).map((k) => ({ id: k.id, scopes: k.scopes, createdAt: k.createdAt, createdBy: k.createdBy })),
            usage: total(c.id),
          })),
        },
      };
    },

    async deadLetters(query) {
      const q = pageQuery(query);
      if (!q.ok) return q.reply;
      try {
        const page = await readNewestFirst(d.jsm, Streams.dead, q);
        const deadLetters = page.items.map((m) => {
          const h = (k: string) => m.header?.get(k) || null;
          let messageId: string | null = null;
          try {
            const body = m.json<{ id?: unknown }>();
            if (body && typeof body.id === 'string') messageId = body.id;
          } catch {
            // not JSON: no message id to show
          }
          return {
            seq: m.seq,
            subject: h(DeadLetterHeaders.subject) ?? m.subject,
            messageId,
            reason: h(DeadLetterHeaders.reason),
            detail: h(DeadLetterHeaders.detail),
            stream: h(DeadLetterHeaders.stream),
            consumer: h(DeadLetterHeaders.consumer),
            deliveries: Number(h(DeadLetterHeaders.deliveries) ?? 0) || null,
            at: h(DeadLetterHeaders.at),
            bytes: m.data.length,
          };
        });
        return { status: 200, body: { deadLetters, nextBefore: page.next } };
      } catch (err) {
        return unavailable('The dead-letter stream', err);
      }
    },

    async audit(query) {
      const q = pageQuery(query);
      if (!q.ok) return q.reply;
      try {
        const page = await d.audit.read(q);
        return { status: 200, body: { entries: page.entries, nextBefore: page.next } };
      } catch (err) {
        return unavailable('The audit log', err);
      }
    },

    async message(id) {
      if (!MESSAGE_ID_RE.test(id)) return problemReply('notFound', `No message with id ${JSON.stringify(id.slice(0, 64))}.`);
      if (!d.timeline) return problemReply('unavailable', 'This edge has no status database configured (set DATABASE_URL).');
      try {
        const t = await d.timeline(id);
        return t ? { status: 200, body: t } : problemReply('notFound', `No message with id ${id} (a message accepted a moment ago becomes visible within a second).`);
      } catch (err) {
        return unavailable('The status database', err);
      }
    },

    async messages(query) {
      const { client, ...rest } = query;
      const owner = client ?? (d.clients.length === 1 ? d.clients[0]!.id : undefined);
      if (owner === undefined || !d.clients.some((c) => c.id === owner)) {
        return problemReply('invalidRequest', `client must name a configured client (${d.clients.map((c) => c.id).join(', ')}); messages are listed per client.`, {
          errors: [{ field: 'client', message: owner === undefined ? 'is required' : 'is not a configured client' }],
        });
      }
      return d.listAs(owner, rest);
    },

    async summary() {
      const [carriers, usage, dead] = await Promise.all([
        carrierList(),
        safely(gatherEdgeUsage(d.nc, gatherMs), [] as EdgeUsage[]),
        safely(d.jsm.streams.info(Streams.dead).then((i) => i.state.messages), null),
      ]);
      let accepted = 0;
      let rejected = 0;
      const latency = new Array<number>(ACCEPT_BUCKETS_S.length + 1).fill(0);
      for (const e of usage) {
        for (const u of Object.values(e.clients)) {
          accepted += u.accepted;
          for (const n of Object.values(u.rejected)) rejected += n;
        }
        e.acceptLatency.forEach((n, i) => (latency[i] = (latency[i] ?? 0) + n));
      }
      let submitted = 0;
      let delivered = 0;
      let throttles = 0;
      for (const b of carriers.flatMap((c) => c.binds)) {
        submitted += b.submitted;
        delivered += b.delivered;
        throttles += b.throttles;
      }
      return {
        status: 200,
        body: {
          at: new Date().toISOString(),
          edges: usage.length,
          connectors: new Set(carriers.flatMap((c) => c.binds.map((b) => b.connector))).size,
          totals: { accepted, rejected, submitted, delivered, throttles, deadLetters: dead },
          acceptLatency: { bucketsS: ACCEPT_BUCKETS_S, counts: latency },
          carriers: carriers.map((c) => ({ id: c.id, state: c.state, backlog: c.backlog, ackPending: c.ackPending, bindsUp: c.bindsUp, binds: c.binds.length })),
        },
      };
    },
  };
}
