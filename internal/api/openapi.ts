/**
 * The OpenAPI 3.1 document, generated at start-up from the zod schemas that validate the requests (and the limits the
 * config sets), with zod's own JSON Schema output (OpenAPI 3.1 schemas are JSON Schema 2020-12). Response shapes are
 * zod schemas too, written for the document. A test fails when a route of the app has no operation here.
 */
import { z } from 'zod';
import { optOutRequestSchema } from '../frontdoor/inbound-door.js';
import { inboundQuerySchema } from '../frontdoor/inbound-query.js';
import { listQuerySchema } from '../frontdoor/list-query.js';
import { ProblemTypes } from '../frontdoor/problems.js';
import { adminPaths, adminSchemas } from './openapi-admin.js';
import { ENCODINGS, batchRequestSchema, submitRequestSchema } from '../sms/submit-request.js';
import { MESSAGE_STATUSES, STATUS_MEANING } from '../sms/status.js';

export interface OpenApiLimits {
  maxTextLength: number;
  maxBatchSize: number;
  maxBodyBytes: number;
  maxBatchBodyBytes: number;
  idempotencyTtlMs: number;
}

const onAir = ENCODINGS.filter((e) => e !== 'auto');
const time = z.string().meta({ format: 'date-time' });
const nullable = <T extends z.ZodType>(t: T) => t.nullable();

const accepted = z
  .object({
    id: z.uuid(),
    status: z.enum(['accepted', 'scheduled']).meta({ description: '"scheduled" when held until sendAt.' }),
    carrier: z.string(),
    segments: z.int().min(1),
    encoding: z.enum(onAir),
    sendAt: time.optional(),
  })
  .meta({ description: 'Durably stored in JetStream: the message will be sent or end in a recorded final state.' });

const dryRun = z.object({
  dryRun: z.literal(true),
  status: z.enum(['accepted', 'scheduled']),
  carrier: z.string(),
  segments: z.int().min(1),
  encoding: z.enum(onAir),
  sendAt: time.optional(),
});

const problem = z
  .object({
    type: z.string().meta({ examples: ['urn:smsmesh:problem:invalidRequest'] }),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    offset: z.int().optional().meta({ description: 'invalidUtf8: byte offset of the first invalid byte.' }),
  })
  .meta({ description: `RFC 9457 problem details. Types: ${Object.keys(ProblemTypes).map((k) => `${k} (${ProblemTypes[k as keyof typeof ProblemTypes].status})`).join(', ')}.` });

const statusDoc = MESSAGE_STATUSES.map((s) => `${s}: ${STATUS_MEANING[s]}`).join('; ');

const messageView = z.object({
  id: z.uuid(),
  status: z.enum(MESSAGE_STATUSES).meta({
    description: `${statusDoc}. Transitions: scheduled → accepted → submitted → (delivered | undeliverable | expired | rejected); scheduled | accepted → canceled | expired; accepted | submitted → failed; never backwards, the first final state wins.`,
  }),
  carrier: z.string(),
  to: nullable(z.string()),
  from: nullable(z.string()),
  segments: nullable(z.int()),
  encoding: nullable(z.string()),
  clientRef: nullable(z.string()),
  smscMessageId: nullable(z.string()),
  acceptedAt: nullable(time),
  sendAt: nullable(time),
  validUntil: nullable(time),
  submittedAt: nullable(time),
  doneAt: nullable(time),
  error: nullable(z.string()),
});

const messageList = z.object({ messages: z.array(messageView), nextCursor: nullable(z.string()).meta({ description: 'Pass as cursor for the next page; null on the last.' }) });
const batchResults = z.object({
  results: z.array(z.union([accepted, dryRun, problem])).meta({ description: 'One entry per message, in request order: the single-send answer, or a problem with its status.' }),
});
const cancelResult = z.object({
  id: z.uuid(),
  status: z.enum(['canceled', 'canceling']).meta({
    description: '"canceled" (200): it will never be sent. "canceling" (202): it was queued; it ends canceled unless a connector had already taken it, which GET tells.',
  }),
});

const callbackError = z
  .object({
    code: z.string().meta({ description: '"receipt" (the SMSC\'s receipt said so), "smsc_status" (the SMSC refused the submit), or the final status itself (failed, expired, canceled).' }),
    message: z.string().meta({ description: 'The error as recorded on the message.' }),
    smscStatus: z.int().optional().meta({ description: 'The SMPP command_status of a refused submit.' }),
    stat: z.string().optional().meta({ description: 'The receipt\'s stat word.' }),
    err: z.string().optional().meta({ description: 'The receipt\'s err field.' }),
  })
  .meta({ description: 'Why the message did not reach its destination.' });
const statusCallback = z
  .object({
    type: z.literal('message.status'),
    id: z.uuid(),
    clientRef: nullable(z.string()),
    status: z.enum(MESSAGE_STATUSES),
    carrier: z.string(),
    to: nullable(z.string()),
    segments: nullable(z.int()),
    error: nullable(callbackError),
    at: time.meta({ description: 'When the message reached this state.' }),
    receipt: z.object({ stat: z.string(), err: nullable(z.string()) }).optional().meta({ description: 'Intermediate receipts only (callbackEvents "all").' }),
  })
  .meta({ description: 'One state change of a message (final states only, unless the client\'s callbackEvents is "all").' });
const inboundCallback = z.object({
  type: z.literal('message.inbound'),
  id: z.string(),
  from: z.string(),
  to: z.string(),
  text: z.string(),
  encoding: z.string(),
  parts: z.int(),
  carrier: z.string(),
  receivedAt: time,
});
const failedCallback = z.object({
  webhookId: z.string().meta({ description: 'The webhook-id it was sent with; a replay keeps it.' }),
  type: z.enum(['message.status', 'message.inbound']),
  messageId: z.string(),
  url: z.string(),
  attempts: z.int(),
  lastError: z.string(),
  failedAt: time,
  payload: z.unknown().meta({ description: 'The body as it was sent.' }),
});
const failedCallbackList = z.object({ callbacks: z.array(failedCallback), nextCursor: nullable(z.string()).meta({ description: 'Pass as cursor for the next page; null on the last.' }) });
const replayResult = z.object({ webhookId: z.string(), status: z.literal('replaying') });
const inboundView = z.object({
  id: z.uuid(),
  from: z.string().meta({ description: 'The sender, as received ("+" for international numbers).' }),
  to: z.string().meta({ description: 'The number or short code it was sent to.' }),
  text: nullable(z.string()).meta({ description: 'The joined text; null only when the key it was encrypted with is no longer configured (textError).' }),
  textError: z.string().optional(),
  encoding: z.enum(['gsm7', 'latin1', 'ucs2', 'binary']).meta({ description: 'binary: text is hex.' }),
  parts: z.int().min(1),
  carrier: z.string(),
  receivedAt: time,
});
const inboundList = z.object({ messages: z.array(inboundView), nextCursor: nullable(z.string()).meta({ description: 'Pass as cursor for the next page; null on the last.' }) });
const optOutEntry = z.object({
  number: z.string(),
  sender: nullable(z.string()).meta({ description: 'The sender it applies to (without "+"); null: every sender of yours.' }),
  at: time,
  source: z.enum(['keyword', 'api']).meta({ description: 'keyword: the number sent an opt-out keyword (STOP…); api: added through this API.' }),
});
const optOutList = z.object({ optOuts: z.array(optOutEntry) });
const optOutRemoved = z.object({ number: z.string(), removed: z.int().min(1) });

function schema(t: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...s } = z.toJSONSchema(t, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return s;
}

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const problems = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }]));

/** 429: the client's rate (rateLimited) or daily quota (quotaExceeded), with the headers that say when to come back. */
const limited = {
  '429': {
    description:
      'Problem details (RFC 9457): type rateLimited (the client\'s rateLimit, across every edge and both transports) or quotaExceeded (its dailyQuota; days are UTC). The NATS API answers the same with Nats-Service-Error-Code 429 and the same headers.',
    headers: {
      'Retry-After': { description: 'Seconds until a retry can succeed.', schema: { type: 'integer', minimum: 1 } },
      RateLimit: {
        description: 'draft-ietf-httpapi-ratelimit-headers: the policy that refused, what is left (r) and seconds until it is back (t), e.g. `"rate";r=0;t=1` or `"daily";r=0;t=3600`.',
        schema: { type: 'string' },
      },
      'RateLimit-Policy': {
        description: 'The client\'s policies: `"rate";q=<messages>;w=1` and `"daily";q=<quota>;w=86400`.',
        schema: { type: 'string' },
      },
    },
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  },
};

/** 422 as the send operations answer it. */
const unprocessable = {
  '422': {
    description:
      'Problem details (RFC 9457): noRoute (no carrier for the destination), senderNotAllowed (`from` is not among the client\'s allowedSenders), or idempotencyKeyReused.',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  },
};

export function buildOpenApiDocument(l: OpenApiLimits): Record<string, unknown> {
  const limits = { maxTextLength: l.maxTextLength, maxBatchSize: l.maxBatchSize };
  const ttlH = Math.round(l.idempotencyTtlMs / 3600_000);
  const security = [{ bearer: [] }];
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  const dryRunParam = {
    name: 'dryRun',
    in: 'query',
    required: false,
    schema: { type: 'boolean', default: false },
    description: 'Validate, route, pick the encoding and count segments without sending (answers 200).',
  };
  const queryParams = (t: z.ZodType) =>
    Object.entries((schema(t) as { properties: Record<string, Record<string, unknown>> }).properties).map(([name, s]) => {
      const { description, ...rest } = s;
      return { name, in: 'query', required: false, schema: rest, ...(description ? { description } : {}) };
    });
  const traceparentParam = {
    name: 'traceparent',
    in: 'header',
    required: false,
    schema: { type: 'string' },
    description: 'W3C Trace Context: each message continues this trace (with a span of its own) and its traceparent is in every log line about it; without a valid one, each message starts a new trace.',
  };
  const listParams = queryParams(listQuerySchema);
  return {
    openapi: '3.1.0',
    info: {
      title: 'smsmesh API',
      version: '1',
      description:
        'Send SMS and read their status. A 202 answer means the message is durably stored in JetStream and will be delivered or end in a recorded final state. ' +
        'The same operations are served over NATS (service "smsmesh", subjects sms.api.v1.send|batch|get|list|cancel|inbound|optouts|optouts.add|optouts.remove) with the same bodies and problems.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The API key of a configured client.' } },
      schemas: {
        SubmitRequest: schema(submitRequestSchema(limits)),
        BatchRequest: schema(batchRequestSchema(limits)),
        Accepted: schema(accepted),
        DryRun: schema(dryRun),
        BatchResults: schema(batchResults),
        MessageStatus: schema(messageView),
        MessageList: schema(messageList),
        CancelResult: schema(cancelResult),
        InboundList: schema(inboundList),
        OptOutRequest: schema(optOutRequestSchema),
        OptOut: schema(optOutEntry),
        OptOutList: schema(optOutList),
        OptOutRemoved: schema(optOutRemoved),
        Problem: schema(problem),
        StatusCallback: schema(statusCallback),
        InboundCallback: schema(inboundCallback),
        FailedCallbackList: schema(failedCallbackList),
        ReplayResult: schema(replayResult),
        ...Object.fromEntries(Object.entries(adminSchemas).map(([k, v]) => [k, schema(v)])),
      },
    },
    webhooks: {
      messageStatus: {
        post: {
          summary: 'A message changed state (to your callbackUrl, or the message\'s own)',
          description:
            'Signed per Standard Webhooks: headers webhook-id (stable across retries: dedupe on it), webhook-timestamp, webhook-signature (v1,<base64 HMAC-SHA256 of id.timestamp.body> per configured secret, space-separated). Answer 2xx; 429 and 5xx (and timeouts) are retried on the configured schedule, Retry-After honoured; 410 disables the endpoint; other answers are not retried.',
          requestBody: { content: json('StatusCallback') },
          responses: { '200': { description: 'Received' }, '410': { description: 'Never call this endpoint again' } },
        },
      },
      messageInbound: {
        post: {
          summary: 'An inbound (MO) message routed to you',
          requestBody: { content: json('InboundCallback') },
          responses: { '200': { description: 'Received' } },
        },
      },
    },
    paths: {
      '/v1/messages': {
        post: {
          operationId: 'sendMessage',
          summary: 'Send an SMS',
          security,
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', maxLength: 130 },
              description: `1–128 printable ASCII characters (optionally a quoted string, per draft-ietf-httpapi-idempotency-key-header). A repeat with the same body returns the first answer (header Idempotent-Replayed: true) and sends once; with a different body: 422; while the first is still being stored: 409. Remembered ${ttlH} h.`,
            },
            dryRunParam,
            traceparentParam,
          ],
          requestBody: { required: true, description: `At most ${l.maxBodyBytes} bytes of UTF-8 JSON.`, content: json('SubmitRequest') },
          responses: {
            '202': { description: 'Durably accepted (or scheduled)', content: json('Accepted') },
            '200': { description: 'Dry run: what would be sent', content: json('DryRun') },
            ...problems(400, 401, 403, 409, 413, 415, 503),
            ...unprocessable,
            ...limited,
          },
        },
        get: {
          operationId: 'listMessages',
          summary: 'Your messages, newest first (cursor pagination)',
          security,
          parameters: listParams,
          responses: { '200': { description: 'One page', content: json('MessageList') }, ...problems(400, 401, 403, 503) },
        },
      },
      '/v1/messages/batch': {
        post: {
          operationId: 'sendBatch',
          summary: `Send up to ${l.maxBatchSize} SMS in one call`,
          description: 'Each message is accepted or refused on its own; one bad message never fails the others. Each counts against the rate limit and the daily quota: the messages past them get a 429 problem of their own in the results (the call answers 429 when none is admitted). Idempotency keys go in each message (idempotencyKey), not in a header.',
          security,
          parameters: [dryRunParam, traceparentParam],
          requestBody: { required: true, description: `At most ${l.maxBatchBodyBytes} bytes of UTF-8 JSON.`, content: json('BatchRequest') },
          responses: { '200': { description: 'Per-message results, in request order', content: json('BatchResults') }, ...problems(400, 401, 403, 413, 415), ...limited },
        },
      },
      '/v1/messages/{id}': {
        get: {
          operationId: 'getMessage',
          summary: 'Status of a message you sent',
          security,
          parameters: [idParam],
          responses: { '200': { description: 'Status', content: json('MessageStatus') }, ...problems(401, 403, 404, 503) },
        },
        delete: {
          operationId: 'cancelMessage',
          summary: 'Cancel a message that has not been submitted yet',
          security,
          parameters: [idParam],
          responses: {
            '200': { description: 'Canceled: it will never be sent', content: json('CancelResult') },
            '202': { description: 'Cancellation recorded for a queued message; GET tells the outcome', content: json('CancelResult') },
            ...problems(401, 403, 404, 409, 503),
          },
        },
      },
      '/v1/callbacks/failed': {
        get: {
          operationId: 'listFailedCallbacks',
          summary: 'Your callbacks that failed for good (attempts exhausted, refused, or their endpoint disabled), newest first',
          security,
          parameters: [
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
            { name: 'cursor', in: 'query', required: false, schema: { type: 'string' }, description: 'nextCursor of the previous page.' },
          ],
          responses: { '200': { description: 'One page', content: json('FailedCallbackList') }, ...problems(400, 401, 503) },
        },
      },
      '/v1/callbacks/failed/{id}/replay': {
        post: {
          operationId: 'replayFailedCallback',
          summary: 'Send a failed callback again (same body and webhook-id, a fresh retry schedule); re-enables its endpoint',
          security,
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The webhookId.' }],
          responses: { '202': { description: 'Queued for delivery', content: json('ReplayResult') }, ...problems(401, 404, 503) },
        },
      },
      '/v1/inbound': {
        get: {
          operationId: 'listInbound',
          summary: 'Inbound (MO) messages routed to you, newest first (cursor pagination)',
          description: 'Messages sent to your numbers, routed to you by the inbound routes of the config, joined when they came in parts. Also over NATS: sms.api.v1.inbound with the parameters as a JSON body.',
          security,
          parameters: queryParams(inboundQuerySchema),
          responses: { '200': { description: 'One page', content: json('InboundList') }, ...problems(400, 401, 503) },
        },
      },
      '/v1/opt-outs': {
        get: {
          operationId: 'listOptOuts',
          summary: 'Numbers that opted out of your messages',
          description: 'A send to a number on this list (for its sender, or for every sender) answers 422 optedOut. Numbers get on it by sending an opt-out keyword (STOP, …; STOPALL for every sender) and off it by sending START or UNSTOP.',
          security,
          responses: { '200': { description: 'The list', content: json('OptOutList') }, ...problems(401) },
        },
        post: {
          operationId: 'addOptOut',
          summary: 'Put a number on your opt-out list',
          security,
          requestBody: { required: true, content: json('OptOutRequest') },
          responses: { '201': { description: 'Recorded; every edge refuses sends to it within moments', content: json('OptOut') }, ...problems(400, 401, 413, 415, 503) },
        },
      },
      '/v1/opt-outs/{number}': {
        delete: {
          operationId: 'removeOptOut',
          summary: 'Take a number off your opt-out list (every sender)',
          security,
          parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string', examples: ['+447700900123'] }, description: 'E.164; the "+" URL-encoded as %2B or as it is.' }],
          responses: { '200': { description: 'Removed', content: json('OptOutRemoved') }, ...problems(400, 401, 404, 503) },
        },
      },
      '/openapi.json': { get: { operationId: 'openApi', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
      '/docs': { get: { operationId: 'docs', summary: 'Browsable API reference', responses: { '200': { description: 'HTML' } } } },
      '/docs/{asset}': {
        get: {
          operationId: 'docsAsset',
          summary: 'Assets of the API reference page',
          parameters: [{ name: 'asset', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'CSS or JavaScript' }, '404': { description: 'No such asset' } },
        },
      },
      '/healthz': { get: { operationId: 'healthz', summary: 'Liveness', responses: { '200': { description: 'The process is up' } } } },
      '/readyz': {
        get: {
          operationId: 'readyz',
          summary: 'Readiness of this edge: NATS connected and the message stream present (carriers are reported apart)',
          responses: { '200': { description: 'Ready to accept' }, '503': { description: 'Not ready, or stopping (with the reason)' } },
        },
      },
      '/readyz/carriers': {
        get: {
          operationId: 'readyzCarriers',
          summary: 'Bind state per carrier, across every connector; not part of /readyz',
          responses: { '200': { description: 'Every carrier has a bind up' }, '503': { description: 'Some carrier has none' } },
        },
      },
      '/metrics': { get: { operationId: 'metrics', summary: 'Prometheus metrics', responses: { '200': { description: 'Text exposition format' } } } },
      ...adminPaths(json, problems, listParams),
    },
  };
}
