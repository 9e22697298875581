/** Every NATS subject and stream name of smsmesh, in one place. */
export const Streams = {
  mt: 'SMS_MT',
  events: 'SMS_EVENTS',
  mo: 'SMS_MO',
  dead: 'SMS_DEAD',
  /** Messages with a sendAt, held until due (sms.sched.<carrier>). */
  scheduled: 'SMS_SCHEDULED',
  /** Status events as committed by the status writer, for the callback worker (sms.chg). */
  changes: 'SMS_CHANGES',
  /** Admin actions and key changes (smsmesh.audit): who, what, when, result. */
  audit: 'SMS_AUDIT',
} as const;

/** Key-value buckets (JetStream streams KV_<name>). */
export const Buckets = {
  /** Idempotency-Key records: body fingerprint and result, kept idempotency.ttlMs. */
  idempotency: 'SMSMESH_IDEMPOTENCY',
  /** Message ids canceled by their client; watched by connectors and schedulers. */
  canceled: 'SMSMESH_CANCELED',
  /** Run-time API keys by id, as hashes (smsmesh keys create); watched by edges. */
  apiKeys: 'SMSMESH_API_KEYS',
  /** Carriers paused or draining by an operator, by carrier id; watched by connectors. */
  carrierControl: 'SMSMESH_CARRIER_CONTROL',
} as const;

export const Subjects = {
  mt: (carrier: string) => `sms.mt.${carrier}`,
  scheduled: (carrier: string) => `sms.sched.${carrier}`,
  submitted: (carrier: string) => `sms.evt.submitted.${carrier}`,
  receipt: (carrier: string) => `sms.evt.receipt.${carrier}`,
  failed: (carrier: string) => `sms.evt.failed.${carrier}`,
  /** Accepted records, published by edges in batches (ingest/accepted-records.ts). */
  accepted: 'sms.evt.accepted',
  /** Status events the status writer has committed, forwarded in batches. */
  changes: 'sms.chg',
  mo: (carrier: string) => `sms.mo.${carrier}`,
  /** Where a message that no consumer could process is kept, under its original subject. */
  dead: (original: string) => `sms.dead.${original}`,
  /** Core NATS request: every connector answers with the state of its binds (readiness, admin). */
  bindStatus: 'smsmesh.binds.status',
  /** Core NATS request: every edge answers with its per-client usage counts and accept latency histogram (admin). */
  edgeUsage: 'smsmesh.edges.usage',
  /** The audit log (stream SMS_AUDIT). */
  audit: 'smsmesh.audit',
} as const;

export const Durables = {
  connector: (carrier: string) => `connector-${carrier}`,
  statusWriter: 'status-writer',
  moWriter: 'mo-writer',
  statusDead: 'status-dead',
  /** Releases due messages from SMS_SCHEDULED to SMS_MT (runs in connector processes). */
  scheduler: 'scheduler',
} as const;

/** The NATS micro-service API every edge serves (queue group `smsmesh`). */
export const ApiSubjects = {
  send: 'sms.api.v1.send',
  batch: 'sms.api.v1.batch',
  get: 'sms.api.v1.get',
  list: 'sms.api.v1.list',
  cancel: 'sms.api.v1.cancel',
} as const;
