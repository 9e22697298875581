/** The OpenAPI 3.1 description of the HTTP API, served at /openapi.json. */
const problem = {
  description: 'Problem details (RFC 9457)',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'smsmesh HTTP API',
    version: '1',
    description:
      'Send SMS and read their status. A 202 answer means the message is durably stored in JetStream and will be delivered or end in a recorded final state.',
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The API key of a configured client.' } },
    schemas: {
      SubmitRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['to', 'from', 'text'],
        properties: {
          to: { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$', examples: ['+447700900123'] },
          from: { type: 'string', description: 'Alphanumeric sender (1–11 characters) or a number (up to 15 digits).', examples: ['ACME'] },
          text: { type: 'string', minLength: 1, maxLength: 1600, description: 'With encoding "auto" (default), GSM 03.38 text is sent as GSM-7 and anything else as UCS-2; long text is split into concatenated segments. With encoding "binary", the payload as hex.' },
          encoding: { enum: ['auto', 'gsm7', 'ucs2', 'latin1', 'binary'], default: 'auto', description: 'Force an encoding: gsm7 (data_coding 0), ucs2 (8), latin1 (3), binary (4, text is hex).' },
          clientRef: { type: 'string', pattern: '^[\\x21-\\x7e]{1,64}$', description: 'Your own reference, returned in status.' },
        },
      },
      Accepted: {
        type: 'object',
        required: ['id', 'status', 'carrier', 'segments', 'encoding'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          status: { const: 'accepted' },
          carrier: { type: 'string' },
          segments: { type: 'integer', minimum: 1 },
          encoding: { enum: ['gsm7', 'ucs2', 'latin1', 'binary'] },
        },
      },
      MessageStatus: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          status: { enum: ['accepted', 'submitted', 'delivered', 'undeliverable', 'expired', 'rejected', 'failed'] },
          carrier: { type: 'string' },
          to: { type: ['string', 'null'] },
          from: { type: ['string', 'null'] },
          segments: { type: ['integer', 'null'] },
          encoding: { type: ['string', 'null'] },
          clientRef: { type: ['string', 'null'] },
          smscMessageId: { type: ['string', 'null'] },
          acceptedAt: { type: ['string', 'null'], format: 'date-time' },
          submittedAt: { type: ['string', 'null'], format: 'date-time' },
          doneAt: { type: ['string', 'null'], format: 'date-time' },
          error: { type: ['string', 'null'] },
        },
      },
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'detail'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
        },
      },
    },
  },
  paths: {
    '/v1/messages': {
      post: {
        summary: 'Send an SMS',
        security: [{ bearer: [] }],
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            schema: { type: 'string', maxLength: 128 },
            description: 'Repeating a request with the same key (within the deduplication window, 10 minutes by default) returns the same id and sends once.',
          },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmitRequest' } } } },
        responses: {
          '202': { description: 'Durably accepted', content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } } },
          '400': problem,
          '401': problem,
          '413': problem,
          '415': problem,
          '422': problem,
          '429': problem,
          '503': problem,
        },
      },
    },
    '/v1/messages/{id}': {
      get: {
        summary: 'Status of a message you sent',
        security: [{ bearer: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': { description: 'Status', content: { 'application/json': { schema: { $ref: '#/components/schemas/MessageStatus' } } } },
          '401': problem,
          '404': problem,
          '503': problem,
        },
      },
    },
    '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'The process is up' } } } },
    '/readyz': {
      get: {
        summary: 'Readiness of this edge: NATS connected and the message stream present (carriers are reported apart)',
        responses: { '200': { description: 'Ready to accept' }, '503': { description: 'Not ready, or stopping' } },
      },
    },
    '/readyz/carriers': {
      get: {
        summary: 'Bind state per carrier, across every connector; not part of /readyz',
        responses: { '200': { description: 'Every carrier has a bind up' }, '503': { description: 'Some carrier has none' } },
      },
    },
    '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'Text exposition format' } } } },
  },
} as const;
