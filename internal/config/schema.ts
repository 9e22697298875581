/** The config file's shape, with defaults: one place that says what a valid gateway config is. */
import { z } from 'zod';

const carrierId = z
  .string()
  .regex(/^[a-z0-9_-]+$/, 'must match [a-z0-9_-]+ (it becomes part of the NATS subject sms.mt.<id>)')
  .max(64);

const prefix = z
  .string()
  .regex(/^\+[0-9]*$/, 'must be "+" followed by digits, e.g. "+4477"');

export const smppEndpointSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  systemId: z.string().max(15, 'system_id is at most 15 characters in SMPP 3.4'),
  password: z.string().max(8, 'password is at most 8 characters in SMPP 3.4'),
  systemType: z.string().max(12).default(''),
  /** bind_transceiver by default: submits and receipts on one session. */
  bindMode: z.enum(['transceiver', 'transmitter', 'receiver']).default('transceiver'),
  interfaceVersion: z.number().int().min(0).max(255).default(0x34),
  addressRange: z.string().max(40).default(''),
  tls: z
    .union([
      z.literal(false),
      z.literal(true),
      z.strictObject({
        caFile: z.string().optional(),
        rejectUnauthorized: z.boolean().default(true),
        servername: z.string().optional(),
      }),
    ])
    .default(false),
});

export const carrierSchema = z.strictObject({
  id: carrierId,
  prefixes: z.array(prefix).min(1, 'needs at least one prefix; use "+" to match every number'),
  smpp: smppEndpointSchema,
  /** SMPP sessions (bind actors) for this carrier in each connector process. */
  binds: z.number().int().min(1).max(64).default(1),
  /** Extra bind_receiver sessions, for SMSCs that send receipts and MO only on a receiver bind (use with bindMode transmitter). */
  receiverBinds: z.number().int().min(0).max(16).default(0),
  /** submit_sm per second, per bind. */
  tps: z.number().positive().max(100_000).default(100),
  /** Max outstanding submit_sm per bind. */
  window: z.number().int().min(1).max(1000).default(10),
  /** Attempts before a retryable failure becomes a final `failed`. */
  maxAttempts: z.number().int().min(1).max(100).default(5),
  responseTimeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  enquireLinkMs: z.number().int().min(0).max(600_000).default(30_000),
  /** Ask the SMSC for delivery receipts (registered_delivery=1). */
  registeredDelivery: z.boolean().default(true),
  /**
   * A message still `submitted` this long after its submit (no receipt came) becomes `unknown`; a later receipt still
   * moves it on. 0 turns it off. Only with registeredDelivery.
   */
  receiptTimeoutS: z.number().int().min(0).max(30 * 86_400).default(172_800),
  /** How long segments of a long message are joined: UDH (8/16-bit reference), SAR TLVs, or one message_payload. */
  concat: z.enum(['udh8', 'udh16', 'sar', 'payload']).default('udh8'),
  /** data_coding to label GSM text with (0 = SMSC default alphabet; some SMSCs want 1). */
  gsmDataCoding: z.number().int().min(0).max(255).default(0),
  /** Pack GSM septets (7 bits) in short_message; most SMSCs want one septet per octet. */
  gsm7Packed: z.boolean().default(false),
  /** How message ids in receipts relate to those in submit_sm_resp. */
  receiptIdFormat: z.enum(['as-is', 'hex-to-dec', 'dec-to-hex', 'auto']).default('as-is'),
  sourceTon: z.number().int().min(0).max(6).optional(),
  sourceNpi: z.number().int().min(0).max(18).optional(),
});

export const SCOPES = ['send', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const clientSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must match [A-Za-z0-9_.-]+').max(64),
    apiKey: z.string().min(16, 'must be at least 16 characters; generate one with `openssl rand -hex 24`').optional(),
    /** The key's hash instead of the key: `sha256:<64 hex>` or `scrypt:<salt hex>:<64 hex>` (internal/frontdoor/api-key-hash.ts). */
    apiKeyHash: z
      .string()
      .regex(/^(sha256:[0-9a-f]{64}|scrypt:[0-9a-f]{16,64}:[0-9a-f]{64})$/, 'must be "sha256:<64 hex digits>" or "scrypt:<salt hex>:<64 hex digits>"')
      .optional(),
    /** What the client's keys may do: send (send, batch, cancel), read (get, list), admin (/v1/admin/*, the console). */
    scopes: z.array(z.enum(SCOPES)).min(1).default(['send', 'read']),
    /** Requests per second per edge process; 0 = unlimited. */
    rateLimit: z.number().min(0).default(0),
  })
  .refine((c) => !(c.apiKey !== undefined && c.apiKeyHash !== undefined), { message: 'give either apiKey or apiKeyHash, not both', path: ['apiKeyHash'] });

export const fileConfigSchema = z
  .strictObject({
    carriers: z.array(carrierSchema).min(1, 'configure at least one carrier'),
    clients: z.array(clientSchema).min(1, 'configure at least one client'),
    nats: z
      .strictObject({
        /** Stream replicas: 1 for one server, 3 in a cluster. */
        replicas: z.number().int().min(1).max(5).default(1),
        /** Window in which a repeated Nats-Msg-Id (and so an Idempotency-Key) is deduplicated. */
        duplicateWindowMs: z.number().int().min(1000).default(600_000),
        /** Upper bound of the MT backlog in JetStream; past it the edge answers 503. */
        maxBacklogBytes: z.number().int().min(1_000_000).default(10 * 1024 ** 3),
        publishTimeoutMs: z.number().int().min(100).default(3000),
        /** A connector that dies holds its messages this long before JetStream redelivers them. */
        ackWaitMs: z.number().int().min(1000).default(30_000),
        /** How long dead letters (SMS_DEAD) are kept for inspection and replay. */
        deadLetterMaxAgeMs: z.number().int().min(60_000).default(14 * 24 * 3600_000),
      })
      .prefault({}),
    connector: z
      .strictObject({
        /**
         * While NATS is away, how long a receipt or MO waits for it before being journaled locally (the SMSC's
         * deliver_sm waits for its answer meanwhile).
         */
        receiptHoldMs: z.number().int().min(0).max(60_000).default(5000),
        /** Bound of the local journal (under SMSMESH_DATA_DIR/journal); past it the SMSC is asked to retry. */
        journalMaxBytes: z.number().int().min(1_000_000).default(64 * 1024 * 1024),
      })
      .prefault({}),
    api: z
      .strictObject({
        maxBodyBytes: z.number().int().min(256).default(16 * 1024),
        maxTextLength: z.number().int().min(1).default(1600),
        /** A status read (GET /v1/messages/{id}) that the database does not answer in this time gets 503. */
        statusReadTimeoutMs: z.number().int().min(50).max(60_000).default(1000),
        /**
         * On SIGTERM an edge answers /readyz 503 this long while still serving, so load balancers (HAProxy
         * health checks, Kubernetes endpoints) stop sending before it closes its listener.
         */
        drainDelayMs: z.number().int().min(0).max(120_000).default(0),
        /** Messages per batch call (HTTP and NATS). */
        maxBatchSize: z.number().int().min(1).max(10_000).default(1000),
        /** Body limit of a batch call; NATS's own max_payload (1 MiB by default) bounds the NATS batch too. */
        maxBatchBodyBytes: z.number().int().min(1024).default(1024 * 1024),
      })
      .prefault({}),
    idempotency: z
      .strictObject({
        /** How long an Idempotency-Key is remembered (body fingerprint and result), across edges and restarts. */
        ttlMs: z.number().int().min(600_000, 'must be at least 10 minutes').default(24 * 3600_000),
        /** Where the records live in JetStream: file survives a NATS restart, memory is cheaper. */
        storage: z.enum(['file', 'memory']).default('file'),
      })
      .prefault({}),
    scheduling: z
      .strictObject({
        /** How far ahead sendAt may be. */
        maxAheadMs: z.number().int().min(60_000).default(35 * 24 * 3600_000),
        /** Messages held at once (SMS_SCHEDULED max_msgs); past it a scheduled send answers 503. */
        maxScheduled: z.number().int().min(100).max(10_000_000).default(100_000),
        /** A held message is looked at this often until due (cancellations take effect then at the latest). */
        recheckMs: z.number().int().min(1000).max(3600_000).default(600_000),
      })
      .prefault({}),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, string>();
    cfg.carriers.forEach((c, i) => {
      if (cfg.carriers.findIndex((o) => o.id === c.id) !== i) {
        ctx.addIssue({ code: 'custom', path: ['carriers', i, 'id'], message: `duplicate carrier id "${c.id}"` });
      }
      c.prefixes.forEach((p, j) => {
        const other = seen.get(p);
        if (other !== undefined && other !== c.id) {
          ctx.addIssue({
            code: 'custom',
            path: ['carriers', i, 'prefixes', j],
            message: `prefix "${p}" is already routed to carrier "${other}"`,
          });
        }
        seen.set(p, c.id);
      });
    });
    cfg.carriers.forEach((c, i) => {
      if (cfg.nats.ackWaitMs < 2 * c.responseTimeoutMs) {
        ctx.addIssue({
          code: 'custom',
          path: ['carriers', i, 'responseTimeoutMs'],
          message: `must be at most half of nats.ackWaitMs (${cfg.nats.ackWaitMs}), or JetStream redelivers messages still in flight`,
        });
      }
    });
    const keys = new Set<string>();
    cfg.clients.forEach((c, i) => {
      if (cfg.clients.findIndex((o) => o.id === c.id) !== i) {
        ctx.addIssue({ code: 'custom', path: ['clients', i, 'id'], message: `duplicate client id "${c.id}"` });
      }
      const key = c.apiKey ?? c.apiKeyHash;
      if (key !== undefined && keys.has(key)) {
        const field = c.apiKey !== undefined ? 'apiKey' : 'apiKeyHash';
        ctx.addIssue({ code: 'custom', path: ['clients', i, field], message: `${field} is used by another client` });
      }
      if (key !== undefined) keys.add(key);
    });
  });

export type FileConfig = z.output<typeof fileConfigSchema>;
export type CarrierConfig = z.output<typeof carrierSchema>;
export type ClientConfig = z.output<typeof clientSchema>;
export type SmppEndpointConfig = z.output<typeof smppEndpointSchema>;
