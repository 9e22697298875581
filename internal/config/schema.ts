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
  /** submit_sm per second, per bind: a cap per session (default 100; with accountTps, the account's rate). */
  tps: z.number().positive().max(100_000).optional(),
  /** submit_sm per second for the whole account, across every connector process (split over the live binds). */
  accountTps: z.number().positive().max(1_000_000).optional(),
  /** Sessions the SMSC allows for the account, across every connector process (bind-slot leases in NATS KV). */
  maxBinds: z.number().int().min(1).max(1024).optional(),
  /** A bind-slot lease not renewed for this long is free for another process (renewed every quarter of it). */
  leaseTtlMs: z.number().int().min(1000).max(300_000).default(6000),
  /** Per-sender pacing: messages from a matching sender (exact, or a regular expression starting with "^") at most `tps`. */
  senderTps: z
    .array(
      z.strictObject({
        sender: z
          .string()
          .min(1)
          .refine((v) => !v.startsWith('^') || isRegExp(v), 'is not a valid regular expression'),
        tps: z.number().positive().max(100_000),
      }),
    )
    .default([]),
  /** Max outstanding submit_sm per bind. */
  window: z.number().int().min(1).max(1000).default(10),
  /** Attempts before a retryable failure becomes a final `failed`. */
  maxAttempts: z.number().int().min(1).max(100).default(5),
  responseTimeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  enquireLinkMs: z.number().int().min(0).max(600_000).default(30_000),
  /**
   * The longest wait between bind attempts while the SMSC is away: waits double from 0.5 s up to it. It is also how
   * long a recovered SMSC may wait for its binds, so it stays near the 10 s that Kannel and Jasmin wait.
   */
  reconnectMaxMs: z.number().int().min(1000).max(600_000).default(10_000),
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
}).superRefine((c, ctx) => {
  if (c.accountTps !== undefined && c.maxBinds === undefined) {
    ctx.addIssue({ code: 'custom', path: ['maxBinds'], message: 'is needed with accountTps: a connector that cannot reach NATS falls back to accountTps / maxBinds per bind' });
  }
  if (c.maxBinds !== undefined && c.binds + c.receiverBinds > c.maxBinds) {
    ctx.addIssue({ code: 'custom', path: ['binds'], message: `binds + receiverBinds (${c.binds + c.receiverBinds}) per process exceed maxBinds (${c.maxBinds}) for the account` });
  }
});

/** A sender ID: an exact string, or a JavaScript regular expression written between slashes ("/^ACME[0-9]$/"). */
const senderPattern = z
  .string()
  .min(1)
  .superRefine((s, ctx) => {
    if (s.length < 2 || !s.startsWith('/') || !s.endsWith('/')) return;
    try {
      new RegExp(s.slice(1, -1));
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}` });
    }
  });
/** An http(s) URL with a host, at most 2,000 characters (the SSRF guard checks where it points when it is called). */
export const callbackUrlSchema = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL with a host and no credentials');

export const webhookSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'must be "whsec_" followed by base64 of at least 24 random bytes (as Standard Webhooks defines it)');

/** Secrets one client may have at once: a rotation needs two, a few more cover receivers that move slowly. */
export const MAX_WEBHOOK_SECRETS = 10;

/** The callback worker (role `callbacks`): retries, timeouts, limits. */
export const callbacksSchema = z
  .strictObject({
    /** Forward status changes for callbacks; by default on when some client has a callbackUrl. */
    enabled: z.boolean().optional(),
    /** Allow targets on loopback, link-local and private addresses (tests, make dev); refused otherwise. */
    allowPrivateTargets: z.boolean().default(false),
    /**
     * Delay before each retry, in ms (the Standard Webhooks schedule by default: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
     * 10 h); one attempt more than entries. Each delay gets ±20 % jitter; a longer Retry-After wins.
     */
    retryScheduleMs: z
      .array(z.number().int().min(0).max(86_400_000))
      .max(30)
      .default([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]),
    /** How long one POST may take (connect, send, answer) before it counts as a failed attempt. */
    timeoutMs: z.number().int().min(100).max(20_000, 'must be at most 20000 (the callbacks consumer\'s ack_wait is 30 s)').default(10_000),
    /** POSTs in flight to one endpoint (scheme://host:port) per worker process. */
    concurrencyPerEndpoint: z.number().int().min(1).max(256).default(8),
    /** Failed attempts in a row after which an endpoint is left alone for a while (circuit breaker). */
    breakerThreshold: z.number().int().min(1).max(1000).default(5),
    /** How long an open breaker waits before one probe; doubles on each failed probe up to 10 minutes. */
    breakerOpenMs: z.number().int().min(100).max(600_000).default(10_000),
    /**
     * A callback that must wait longer than this for its next attempt waits in PostgreSQL (callback_parked), not
     * pending in JetStream, so that a long-dead endpoint cannot fill the consumer's max_ack_pending.
     */
    parkAfterMs: z.number().int().min(1000).max(3_600_000).default(60_000),
  })
  .prefault({});
function isRegExp(v: string): boolean {
  try {
    new RegExp(v);
    return true;
  } catch {
    return false;
  }
}

/** The per-bind rate cap: `tps`, else the account's rate (a bind never needs more), else 100. */
export function bindTpsCap(c: Pick<CarrierConfig, 'tps' | 'accountTps'>): number {
  return c.tps ?? c.accountTps ?? 100;
}

/** Whether the carrier's limits are account-wide (bind-slot leases, shared rate and throttling). */
export function isCoordinated(c: Pick<CarrierConfig, 'accountTps' | 'maxBinds'>): boolean {
  return c.accountTps !== undefined || c.maxBinds !== undefined;
}
const keyword = z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'must be one word of letters and digits');

/** MO keywords that put a number on the client's opt-out list or take it off (matched case-insensitively, whole text). */
export const optOutSchema = z.strictObject({
  keywords: z.array(keyword).default(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']),
  /** Of `keywords`, those that opt the number out of every sender of the client, not only the number it was sent to. */
  clientWideKeywords: z.array(keyword).default(['STOPALL']),
  optInKeywords: z.array(keyword).default(['START', 'UNSTOP']),
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
    /** Messages per second across every edge and both transports; 0 = unlimited. */
    rateLimit: z.number().min(0).default(0),
    /** Messages the client may send at once after a quiet spell (the bucket's size); default: one second of rateLimit. */
    rateBurst: z.number().min(1).optional(),
    /** Messages per UTC day across every edge; 0 = unlimited. */
    dailyQuota: z.number().int().min(0).default(0),
    /** Sender IDs (`from`) this client may use: exact strings and /regex/ patterns; absent = any. */
    allowedSenders: z.array(senderPattern).min(1, 'lists at least one sender (leave it out to allow any)').optional(),
    /** Where status callbacks (and inbound messages) are POSTed, unless a message names its own callbackUrl. */
    callbackUrl: callbackUrlSchema.optional(),
    /** final: final states only (default); all: also submitted and intermediate receipts. */
    callbackEvents: z.enum(['final', 'all']).default('final'),
    /** Standard Webhooks secrets (whsec_ + base64); every one signs each callback, so secrets can be rotated. */
    webhookSecrets: z.array(webhookSecretSchema).max(MAX_WEBHOOK_SECRETS).default([]),
    optOut: optOutSchema.prefault({}),
  })
  .refine((c) => !(c.apiKey !== undefined && c.apiKeyHash !== undefined), { message: 'give either apiKey or apiKeyHash, not both', path: ['apiKeyHash'] });

/** Which client an inbound (MO) message belongs to: the first route whose `to` and `keyword` match wins. */
export const inboundSchema = z.strictObject({
  routes: z
    .array(
      z.strictObject({
        /** The number the MO was sent to, or a prefix of it, as received ("+" for international numbers). */
        to: z.string().regex(/^\+?[0-9]+$/, 'must be a number or a prefix of one, e.g. "12345" or "+4477"'),
        /** The first word of the text, matched case-insensitively. */
        keyword: keyword.optional(),
        client: z.string(),
      }),
    )
    .default([]),
  /** Where an MO no route matches goes; without it such an MO is stored without a client. */
  defaultClient: z.string().optional(),
});

/** Deletion of old rows by the status writer, in small batches; absent ages keep rows for ever. */
export const retentionSchema = z.strictObject({
  messagesDays: z.number().positive().optional(),
  inboundDays: z.number().positive().optional(),
  /** Rows per DELETE: each statement holds its row locks only for these rows. */
  batchSize: z.number().int().min(10).max(10_000).default(1000),
  intervalMs: z.number().int().min(1000).default(600_000),
  /** Pause between two batches of one sweep, so a large backlog of old rows never monopolises the database. */
  pauseMs: z.number().int().min(0).max(60_000).default(100),
});

const HOURS = /^(?:[01][0-9]|2[0-3]):[0-5][0-9]-(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

export const routeSchema = z
  .strictObject({
    match: z
      .strictObject({
        prefix: prefix.optional(),
        client: z.string().optional(),
        sender: senderPattern.optional(),
        /** A UTC time window "HH:MM-HH:MM"; one that ends before it starts runs over midnight ("22:00-06:00"). */
        hours: z.string().regex(HOURS, 'must be "HH:MM-HH:MM" in UTC, e.g. "08:00-20:00"').optional(),
      })
      .prefault({}),
    carrier: carrierId.optional(),
    /** The first usable carrier of the list takes new traffic. */
    failover: z.array(carrierId).min(1).optional(),
    /** Shares of new traffic, e.g. { a: 70, b: 30 }. */
    weighted: z.record(carrierId, z.number().int().min(0)).optional(),
  })
  .superRefine((r, ctx) => {
    const actions = [r.carrier, r.failover, r.weighted].filter((a) => a !== undefined).length;
    if (actions !== 1) ctx.addIssue({ code: 'custom', message: 'needs exactly one of carrier, failover, weighted' });
    if (r.weighted && !Object.values(r.weighted).some((w) => w > 0)) {
      ctx.addIssue({ code: 'custom', path: ['weighted'], message: 'needs at least one carrier with a weight above 0' });
    }
  });

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
    /** Ordered: the first route whose match fits the message wins; no match falls back to the carriers' prefixes. */
    routes: z.array(routeSchema).default([]),
    /** When failover and weighted routes stop sending new traffic to a carrier, from what edges see every pollMs. */
    routing: z
      .strictObject({
        /** A carrier with no bound session for this long takes no new traffic while another can. */
        downAfterS: z.number().min(1).max(3600).default(10),
        /** A carrier with more messages than this waiting (or in flight) takes no new traffic until it drops below 80 % of it. */
        maxBacklog: z.number().int().min(1).default(10_000),
        /** How often each edge asks connectors for bind state and JetStream for backlogs. */
        pollMs: z.number().int().min(250).max(60_000).default(2000),
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
    callbacks: callbacksSchema,
    inbound: inboundSchema.prefault({}),
    retention: retentionSchema.prefault({}),
  })
  .superRefine((cfg, ctx) => {
    checkInboundClients(cfg, ctx);
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
    const carrierIds = new Set(cfg.carriers.map((c) => c.id));
    const clientIds = new Set(cfg.clients.map((c) => c.id));
    cfg.routes.forEach((r, i) => {
      const named: [string, (string | number)[]][] = [];
      if (r.carrier !== undefined) named.push([r.carrier, ['carrier']]);
      r.failover?.forEach((c, j) => named.push([c, ['failover', j]]));
      for (const c of Object.keys(r.weighted ?? {})) named.push([c, ['weighted', c]]);
      for (const [c, path] of named) {
        if (!carrierIds.has(c)) ctx.addIssue({ code: 'custom', path: ['routes', i, ...path], message: `names no configured carrier ("${c}")` });
      }
      if (r.match.client !== undefined && !clientIds.has(r.match.client)) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'match', 'client'], message: `names no configured client ("${r.match.client}")` });
      }
    });
  });

function checkInboundClients(cfg: { clients: { id: string }[]; inbound: z.output<typeof inboundSchema> }, ctx: z.RefinementCtx): void {
  const ids = new Set(cfg.clients.map((c) => c.id));
  cfg.inbound.routes.forEach((r, i) => {
    if (!ids.has(r.client)) ctx.addIssue({ code: 'custom', path: ['inbound', 'routes', i, 'client'], message: `no client "${r.client}" is configured` });
  });
  const d = cfg.inbound.defaultClient;
  if (d !== undefined && !ids.has(d)) ctx.addIssue({ code: 'custom', path: ['inbound', 'defaultClient'], message: `no client "${d}" is configured` });
}

export type FileConfig = z.output<typeof fileConfigSchema>;
export type CarrierConfig = z.output<typeof carrierSchema>;
export type ClientConfig = z.output<typeof clientSchema>;
export type RouteConfig = z.output<typeof routeSchema>;
export type OptOutConfig = z.output<typeof optOutSchema>;
export type InboundConfig = z.output<typeof inboundSchema>;
export type RetentionConfig = z.output<typeof retentionSchema>;
export type SmppEndpointConfig = z.output<typeof smppEndpointSchema>;
export type CallbacksConfig = z.output<typeof callbacksSchema>;
