/**
 * The smsmesh NATS API: sms.api.v1.send|batch|get|list|cancel in queue group "smsmesh", served by every edge. Requests
 * carry the same JSON bodies as HTTP and the headers Authorization (Bearer <api key>), Idempotency-Key and
 * Smsmesh-Dry-Run; each goes through the same front door as its HTTP twin, and the reply carries the same JSON — on
 * errors the same problem object, with Nats-Service-Error-Code (the HTTP status) and Nats-Service-Error (its detail).
 */
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { ApiSubjects } from '../bus/subjects.js';
import { TRACEPARENT } from '../core/trace-context.js';
import type { Scope } from '../config/schema.js';
import { missingScope, type AuthResult } from '../frontdoor/client-auth.js';
import { internalProblem, type FrontDoor } from '../frontdoor/front-door.js';
import type { InboundDoor } from '../frontdoor/inbound-door.js';
import { problemReply, type Reply } from '../frontdoor/reply.js';
import type { Problem } from '../frontdoor/problems.js';
import type { Logger } from '../log/logger.js';
import { startMicroService, type EndpointReply, type MicroService } from './micro-service.js';

export const SERVICE_NAME = 'smsmesh';
export const SERVICE_VERSION = '1.0.0';
export const QUEUE_GROUP = 'smsmesh';
/** The HTTP status the same request would have got, on every reply (errors also carry Nats-Service-Error-Code). */
export const STATUS_HEADER = 'Smsmesh-Status';
export const DRY_RUN_HEADER = 'Smsmesh-Dry-Run';

export interface SmsServiceDeps {
  nc: NatsConnection;
  frontDoor: FrontDoor;
  authenticate: (authorization: string | undefined) => AuthResult;
  maxBodyBytes: number;
  maxBatchBodyBytes: number;
  log: Logger;
  observe?: (endpoint: string, status: number, seconds: number) => void;
  /** sms.api.v1.inbound; absent: not served. */
  inboundDoor?: InboundDoor;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function toEndpointReply(r: Reply): EndpointReply {
  const headers = { ...r.headers, [STATUS_HEADER]: String(r.status) };
  if (r.status < 400) return { data: enc.encode(JSON.stringify(r.body)), headers, status: r.status };
  const p = r.body as Problem;
  return { data: enc.encode(JSON.stringify(p)), headers: { ...headers, 'Content-Type': 'application/problem+json' }, error: { code: r.status, description: p.detail } };
}

/** get and cancel take {"id": "…"}. */
function idOf(m: Msg): { ok: true; id: string } | { ok: false; reply: Reply } {
  try {
    const v = JSON.parse(dec.decode(m.data)) as { id?: unknown };
    if (v && typeof v === 'object' && typeof v.id === 'string') return { ok: true, id: v.id };
  } catch {
    // answered below
  }
  return { ok: false, reply: problemReply('invalidRequest', 'The body must be a JSON object like {"id":"0190…"}.', { errors: [{ field: 'id', message: 'is required' }] }) };
}

/** list and inbound take their query parameters as a JSON object (or an empty body). */
function queryOf(m: Msg): { ok: true; query: Record<string, string | undefined> } | { ok: false } {
  let q: unknown = {};
  if (m.data.length > 0) {
    try {
      q = JSON.parse(dec.decode(m.data));
    } catch {
      q = null;
    }
  }
  if (!q || typeof q !== 'object' || Array.isArray(q)) return { ok: false };
  const query: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(q)) query[k] = v === undefined || v === null ? undefined : String(v);
  return { ok: true, query };
}

export function startSmsService(d: SmsServiceDeps): MicroService {
  const fd = d.frontDoor;

  const authed =
    (scope: Scope, op: (m: Msg, client: Parameters<FrontDoor['get']>[0]) => Promise<Reply> | Reply) =>
    async (m: Msg): Promise<EndpointReply> => {
      const a = d.authenticate(m.headers?.get('Authorization') || undefined);
      if (!a.ok) return toEndpointReply(a.reply);
      return toEndpointReply(missingScope(a.client, scope) ?? (await op(m, a.client)));
    };
  const header = (m: Msg, k: string) => m.headers?.get(k) || undefined;
  const inboundEndpoints = (door: InboundDoor) => [
    {
      name: 'inbound',
      subject: ApiSubjects.inbound,
      handler: authed('read', (m, c) => {
        const q = queryOf(m);
        return q.ok ? door.listInbound(c, q.query) : problemReply('invalidRequest', 'The body must be a JSON object of inbound parameters, e.g. {"since":"2026-12-01T00:00:00Z","limit":50}.');
      }),
    },
    { name: 'optouts', subject: ApiSubjects.optOuts, handler: authed('read', (_m, c) => door.listOptOuts(c)) },
    {
      name: 'optouts-add',
      subject: ApiSubjects.optOutAdd,
      handler: authed('send', (m, c) => (m.data.length > d.maxBodyBytes ? tooLarge(d.maxBodyBytes) : door.addOptOut(c, m.data))),
    },
    {
      name: 'optouts-remove',
      subject: ApiSubjects.optOutRemove,
      handler: authed('send', (m, c) => {
        let number: unknown;
        try {
          number = (JSON.parse(dec.decode(m.data)) as { number?: unknown } | null)?.number;
        } catch {
          number = undefined;
        }
        return typeof number === 'string'
          ? door.removeOptOut(c, number)
          : problemReply('invalidRequest', 'The body must be a JSON object like {"number":"+447700900123"}.', { errors: [{ field: 'number', message: 'is required' }] });
      }),
    },
  ];
  const tooLarge = (max: number) => problemReply('payloadTooLarge', `The body exceeds ${max} bytes.`);

  return startMicroService(d.nc, {
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    description: 'Send SMS and read their status: the same operations, bodies and problems as the HTTP API.',
    queue: QUEUE_GROUP,
    log: d.log,
    ...(d.observe ? { observe: d.observe } : {}),
    internalError: () => enc.encode(JSON.stringify(internalProblem())),
    endpoints: [
      {
        name: 'send',
        subject: ApiSubjects.send,
        handler: authed('send', (m, c) =>
          m.data.length > d.maxBodyBytes
            ? tooLarge(d.maxBodyBytes)
            : fd.send(c, { body: m.data, idempotencyKey: header(m, 'Idempotency-Key'), dryRun: header(m, DRY_RUN_HEADER), traceparent: header(m, TRACEPARENT) }),
        ),
      },
      {
        name: 'batch',
        subject: ApiSubjects.batch,
        handler: authed('send', (m, c) =>
          m.data.length > d.maxBatchBodyBytes
            ? tooLarge(d.maxBatchBodyBytes)
            : fd.batch(c, { body: m.data, idempotencyKey: header(m, 'Idempotency-Key'), dryRun: header(m, DRY_RUN_HEADER), traceparent: header(m, TRACEPARENT) }),
        ),
      },
      {
        name: 'get',
        subject: ApiSubjects.get,
        handler: authed('read', (m, c) => {
          const id = idOf(m);
          return id.ok ? fd.get(c, id.id) : id.reply;
        }),
      },
      {
        name: 'list',
        subject: ApiSubjects.list,
        handler: authed('read', (m, c) => {
          let q: unknown = {};
          if (m.data.length > 0) {
            try {
              q = JSON.parse(dec.decode(m.data));
            } catch {
              q = null;
            }
          }
          if (!q || typeof q !== 'object' || Array.isArray(q)) return problemReply('invalidRequest', 'The body must be a JSON object of list parameters, e.g. {"status":"delivered","limit":50}.');
          const query: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(q)) query[k] = v === undefined || v === null ? undefined : String(v);
          return fd.list(c, query);
        }),
      },
      {
        name: 'cancel',
        subject: ApiSubjects.cancel,
        handler: authed('send', (m, c) => {
          const id = idOf(m);
          return id.ok ? fd.cancel(c, id.id) : id.reply;
        }),
      },
      ...(d.inboundDoor ? inboundEndpoints(d.inboundDoor) : []),
    ],
  });
}
