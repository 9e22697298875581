/** The admin API's part of the OpenAPI document (/v1/admin/*, `admin` scope) and the console's pages. */
import { z } from 'zod';

const time = z.string().meta({ format: 'date-time' });

const bind = z.object({
  connector: z.string().meta({ description: 'The connector process (host:pid) holding the bind.' }),
  bindNo: z.int(),
  state: z.enum(['connecting', 'bound', 'draining', 'closed']),
  window: z.int().meta({ description: 'Configured window (outstanding submit_sm).' }),
  inFlight: z.int().meta({ description: 'submit_sm awaiting their response now.' }),
  tps: z.number().meta({ description: 'Configured submit_sm per second.' }),
  rate: z.number().meta({ description: 'Allowed submit_sm per second now (lower after throttling).' }),
  paused: z.boolean(),
  throttles: z.int().meta({ description: 'Throttling episodes since the connector started.' }),
  submitted: z.int().meta({ description: 'Segments accepted by the SMSC since the connector started.' }),
  delivered: z.int().meta({ description: 'DELIVRD receipts since the connector started.' }),
});

const carrierState = z.enum(['active', 'paused', 'draining']).meta({
  description:
    'active: binds submit. paused: binds fetch nothing; edges keep accepting and JetStream keeps queueing. draining: binds submit what is queued; once the queue is empty the carrier turns paused.',
});

const carrier = z.object({
  id: z.string(),
  state: carrierState,
  stateSince: time.nullable(),
  stateBy: z.string().nullable().meta({ description: 'Key id that set the state.' }),
  paused: z.boolean(),
  backlog: z.int().nullable().meta({ description: 'Messages this carrier still owes (SMS_MT keeps each until its connector acked it): queued, in a bind\'s window, or handed back.' }),
  waiting: z.int().nullable().meta({ description: 'Never delivered to a bind yet (the consumer\'s num_pending).' }),
  ackPending: z.int().nullable().meta({ description: 'The consumer\'s num_ack_pending: deliveries not yet settled (a message redelivered counts once per delivery).' }),
  redelivered: z.int().nullable(),
  bindsUp: z.int(),
  configured: z.object({ binds: z.int(), window: z.int(), tps: z.number() }),
  binds: z.array(bind),
});

const page = { nextBefore: z.int().nullable().meta({ description: 'Pass as before for the next, older page; null on the last.' }) };

const auditEntry = z.object({
  seq: z.int(),
  at: time,
  who: z.object({ client: z.string(), keyId: z.string() }),
  action: z.string().meta({ examples: ['carrier.pause', 'key.create'] }),
  target: z.string(),
  result: z.enum(['ok', 'failed']),
  detail: z.string().optional(),
});

const deadLetter = z.object({
  seq: z.int(),
  subject: z.string(),
  messageId: z.string().nullable(),
  reason: z.string().nullable(),
  detail: z.string().nullable(),
  stream: z.string().nullable(),
  consumer: z.string().nullable(),
  deliveries: z.int().nullable(),
  at: time.nullable(),
  bytes: z.int(),
});

const client = z.object({
  id: z.string(),
  rateLimit: z.number(),
  scopes: z.array(z.enum(['send', 'read', 'admin'])),
  configKey: z.boolean(),
  keys: z.array(z.object({ id: z.string(), scopes: z.array(z.string()), createdAt: time, createdBy: z.string() })),
  usage: z.object({
    accepted: z.int(),
    rejected: z.record(z.string(), z.int()).meta({ description: 'Answers with a problem, by problem type.' }),
    edges: z.int().meta({ description: 'Edges that answered; counts are since each edge started.' }),
  }),
});

const summary = z.object({
  at: time,
  edges: z.int(),
  connectors: z.int(),
  totals: z
    .object({ accepted: z.int(), rejected: z.int(), submitted: z.int(), delivered: z.int(), throttles: z.int(), deadLetters: z.int().nullable() })
    .meta({ description: 'Counts since each edge / connector started: a viewer takes rates from two readings.' }),
  acceptLatency: z.object({ bucketsS: z.array(z.number()), counts: z.array(z.int()).meta({ description: 'Per bucket (not cumulative), the last one +Inf.' }) }),
  carriers: z.array(z.object({ id: z.string(), state: carrierState, backlog: z.int().nullable(), ackPending: z.int().nullable(), bindsUp: z.int(), binds: z.int() })),
});

const timeline = z.object({
  id: z.string(),
  clientId: z.string().nullable(),
  clientRef: z.string().nullable(),
  carrier: z.string(),
  to: z.string().nullable(),
  from: z.string().nullable(),
  status: z.string(),
  segments: z.int().nullable(),
  encoding: z.string().nullable(),
  error: z.string().nullable(),
  acceptedAt: time.nullable(),
  sendAt: time.nullable(),
  validUntil: time.nullable(),
  submittedAt: time.nullable(),
  doneAt: time.nullable(),
  parts: z.array(
    z.object({
      part: z.int(),
      smscMessageId: z.string().nullable(),
      submittedAt: time.nullable(),
      lastStat: z.string().nullable(),
      lastStatAt: time.nullable(),
      status: z.string().nullable(),
      doneAt: time.nullable(),
      error: z.string().nullable(),
    }),
  ),
});

export const adminSchemas = {
  AdminCarriers: z.object({ carriers: z.array(carrier) }),
  AdminCarrierState: z.object({ id: z.string(), state: carrierState, auditRecorded: z.boolean(), auditError: z.string().optional() }),
  AdminMoveResult: z.object({
    from: z.string(),
    to: z.string(),
    moved: z.int(),
    kept: z.int().meta({ description: 'Delivered before (its SMSC may have taken it): left with the source carrier, never moved.' }),
    remaining: z.int().meta({ description: 'Still queued on the source (new arrivals, kept ones, or the call\'s 20 s budget ran out): call again.' }),
    error: z.string().optional(),
    auditRecorded: z.boolean(),
  }),
  AdminClients: z.object({ clients: z.array(client) }),
  AdminDeadLetters: z.object({ deadLetters: z.array(deadLetter), ...page }),
  AdminAudit: z.object({ entries: z.array(auditEntry), ...page }),
  AdminSummary: summary,
  AdminMessageTimeline: timeline,
};

type Json = (ref: string) => Record<string, unknown>;
type Problems = (...codes: number[]) => Record<string, unknown>;

export function adminPaths(json: Json, problems: Problems, listParams: Record<string, unknown>[]): Record<string, unknown> {
  const security = [{ bearer: [] }];
  const tags = ['admin'];
  const pageParams = [
    { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
    { name: 'before', in: 'query', required: false, schema: { type: 'integer', minimum: 1 }, description: 'nextBefore of the previous page.' },
  ];
  const carrierId = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  const op = (operationId: string, summaryText: string, ref: string, codes: number[], extra: Record<string, unknown> = {}) => ({
    operationId,
    summary: summaryText,
    tags,
    security,
    ...extra,
    responses: { '200': { description: 'OK', content: json(ref) }, ...problems(401, 403, ...codes) },
  });
  const control = (action: string, text: string) => ({
    post: op(`${action}Carrier`, text, 'AdminCarrierState', [404, 503], { parameters: [carrierId] }),
  });
  return {
    '/v1/admin/carriers': { get: op('adminCarriers', 'Carriers with live bind state from every connector and queue depth', 'AdminCarriers', []) },
    '/v1/admin/carriers/{id}/pause': control('pause', 'Pause a carrier: nothing is submitted; messages are still accepted and queued'),
    '/v1/admin/carriers/{id}/resume': control('resume', 'Resume a paused or draining carrier: its queue drains'),
    '/v1/admin/carriers/{id}/drain': control('drain', 'Submit what is queued, then pause once the queue is empty'),
    '/v1/admin/carriers/{id}/move': {
      post: op('moveCarrierBacklog', 'Move a paused carrier\'s queued messages to another carrier, without loss or duplication', 'AdminMoveResult', [400, 404, 409, 503], {
        parameters: [carrierId],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['to'], properties: { to: { type: 'string' } }, additionalProperties: false } } } },
      }),
    },
    '/v1/admin/clients': { get: op('adminClients', 'Clients with limits, scopes, keys and usage (summed over every edge)', 'AdminClients', []) },
    '/v1/admin/dead-letters': { get: op('adminDeadLetters', 'Dead letters (SMS_DEAD), newest first, with reasons', 'AdminDeadLetters', [400, 503], { parameters: pageParams }) },
    '/v1/admin/audit': { get: op('adminAudit', 'The audit log, newest first', 'AdminAudit', [400, 503], { parameters: pageParams }) },
    '/v1/admin/summary': { get: op('adminSummary', 'Counters for the console\'s overview (rates come from two readings)', 'AdminSummary', []) },
    '/v1/admin/messages': {
      get: op('adminListMessages', 'Any client\'s messages, with the filters of GET /v1/messages', 'MessageList', [400, 503], {
        parameters: [{ name: 'client', in: 'query', required: false, schema: { type: 'string' }, description: 'The client whose messages to list (required when more than one is configured).' }, ...listParams],
      }),
    },
    '/v1/admin/messages/{id}': {
      get: op('adminMessageTimeline', 'A message\'s timeline: accepted, each part\'s submit and receipt, final state', 'AdminMessageTimeline', [404, 503], {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      }),
    },
    '/console': { get: { operationId: 'console', summary: 'The operator console (log in with an admin key)', responses: { '200': { description: 'HTML' } } } },
    '/console/{asset}': {
      get: {
        operationId: 'consoleAsset',
        summary: 'Assets of the console',
        parameters: [{ name: 'asset', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'JavaScript or CSS' }, '404': { description: 'No such asset' } },
      },
    },
  };
}
