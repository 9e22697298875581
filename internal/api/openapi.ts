/**
 * The OpenAPI 3.1 document, generated at start-up from the zod schemas that validate the requests (and the limits the
 * config sets), with zod's own JSON Schema output (OpenAPI 3.1 schemas are JSON Schema 2020-12). Response shapes are
 * zod schemas too, written for the document. A test fails when a route of the app has no operation here.
 */
import { z } from 'zod';
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

function schema(t: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...s } = z.toJSONSchema(t, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return s;
}

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const problems = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }]));

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
  const listSchema = schema(listQuerySchema) as { properties: Record<string, Record<string, unknown>> };
  const listParams = Object.entries(listSchema.properties).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: 'query', required: false, schema: rest, ...(description ? { description } : {}) };
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'smsmesh API',
      version: '1',
      description:
        'Send SMS and read their status. A 202 answer means the message is durably stored in JetStream and will be delivered or end in a recorded final state. ' +
        'The same operations are served over NATS (service "smsmesh", subjects sms.api.v1.send|batch|get|list|cancel) with the same bodies and problems.',
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
        Problem: schema(problem),
        ...Object.fromEntries(Object.entries(adminSchemas).map(([k, v]) => [k, schema(v)])),
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
          ],
          requestBody: { required: true, description: `At most ${l.maxBodyBytes} bytes of UTF-8 JSON.`, content: json('SubmitRequest') },
          responses: {
            '202': { description: 'Durably accepted (or scheduled)', content: json('Accepted') },
            '200': { description: 'Dry run: what would be sent', content: json('DryRun') },
            ...problems(400, 401, 403, 409, 413, 415, 422, 429, 503),
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
          description: 'Each message is accepted or refused on its own; one bad message never fails the others. Each counts against the rate limit. Idempotency keys go in each message (idempotencyKey), not in a header.',
          security,
          parameters: [dryRunParam],
          requestBody: { required: true, description: `At most ${l.maxBatchBodyBytes} bytes of UTF-8 JSON.`, content: json('BatchRequest') },
          responses: { '200': { description: 'Per-message results, in request order', content: json('BatchResults') }, ...problems(400, 401, 403, 413, 415, 429) },
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
