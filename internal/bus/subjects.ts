/** Every NATS subject and stream name of smsmesh, in one place. */
export const Streams = {
  mt: 'SMS_MT',
  events: 'SMS_EVENTS',
  mo: 'SMS_MO',
  dead: 'SMS_DEAD',
  /** Messages with a sendAt, held until due (sms.sched.<carrier>). */
  scheduled: 'SMS_SCHEDULED',
  /**
   * Changes for the callback worker (sms.chg.>): status changes as committed by the status writer, inbound messages
   * as stored by the MO writer, and the callbacks themselves while they wait for their next attempt.
   */
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
  /** One shared token bucket per client (rateLimit, rateBurst), leased by edges in blocks. */
  clientRates: 'SMSMESH_CLIENT_RATES',
  /** Messages sent per client per UTC day (dailyQuota), leased by edges in blocks. */
  clientQuotas: 'SMSMESH_CLIENT_QUOTAS',
  /** Bind-slot leases of carriers with accountTps/maxBinds, one key per carrier and slot (<carrier>.<slot>). */
  carrierLeases: 'SMSMESH_CARRIER_LEASES',
  /** Numbers opted out of a client's messages (MO keywords, the API); watched by edges. */
  optOuts: 'SMSMESH_OPTOUTS',
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
  /** Status events the status writer has committed, forwarded in batches (one message per batch, split only past 512 KB). */
  changes: 'sms.chg.status',
  /** One stored, routed inbound message per bus message, published by the MO writer (Nats-Msg-Id in-<id>). */
  inboundChanges: 'sms.chg.inbound',
  /** One callback per bus message, as the callback worker fans changes out; re-published for each retry. */
  callbackJobs: 'sms.chg.callback',
  mo: (carrier: string) => `sms.mo.${carrier}`,
  /** Where a message that no consumer could process is kept, under its original subject. */
  dead: (original: string) => `sms.dead.${original}`,
  /** Core NATS request: every connector answers with the state of its binds (readiness, admin). */
  bindStatus: 'smsmesh.binds.status',
  /** Core NATS: a bind of the carrier was throttled (0x58/0x14); every bind of that carrier in every process backs off. */
  carrierThrottle: (carrier: string) => `smsmesh.carrier.throttle.${carrier}`,
  /** Core NATS: a process took or gave up a bind slot of the carrier; the others read the lease bucket now. */
  carrierLeases: (carrier: string) => `smsmesh.carrier.leases.${carrier}`,
  /** Core NATS request: every edge answers with its per-client usage counts and accept latency histogram (admin). */
  edgeUsage: 'smsmesh.edges.usage',
  /** Core NATS request to the edge that holds an Idempotency-Key claim: is that claim still open? (ingest/claim-owners.ts) */
  claimOwner: (owner: string) => `smsmesh.idempotency.owner.${owner}`,
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
  /** The callback worker on SMS_CHANGES (every sms.chg.> subject). */
  callbacks: 'callbacks',
} as const;

/** The NATS micro-service API every edge serves (queue group `smsmesh`). */
export const ApiSubjects = {
  send: 'sms.api.v1.send',
  batch: 'sms.api.v1.batch',
  get: 'sms.api.v1.get',
  list: 'sms.api.v1.list',
  cancel: 'sms.api.v1.cancel',
  /** The client's inbound (MO) messages, like GET /v1/inbound. */
  inbound: 'sms.api.v1.inbound',
  /** The client's opt-out list: GET, POST /v1/opt-outs and DELETE /v1/opt-outs/{number}. */
  optOuts: 'sms.api.v1.optouts',
  optOutAdd: 'sms.api.v1.optouts.add',
  optOutRemove: 'sms.api.v1.optouts.remove',
} as const;
