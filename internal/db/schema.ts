/** The relational schema of message state, delivery receipts and inbound messages: the source drizzle-kit generates migrations from. */
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { MESSAGE_STATUSES } from '../sms/status.js';

const tstz = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    // Nullable because a submitted/failed event may create the row before its accepted event arrives.
    clientId: text('client_id'),
    clientRef: text('client_ref'),
    carrier: text('carrier').notNull(),
    to: text('to'),
    from: text('from'),
    segments: integer('segments'),
    encoding: text('encoding'),
    // The enum types the column for TypeScript only (no database constraint): states are added without a migration.
    status: text('status', { enum: MESSAGE_STATUSES }).notNull(),
    statusRank: smallint('status_rank').notNull(),
    smscMessageId: text('smsc_message_id'),
    // Set by the first submitted event. A one-part message keeps its receipt state here and has no message_parts
    // row: that saves a row insert, a row update and an aggregate per message for most traffic.
    parts: smallint('parts'),
    lastStat: text('last_stat'),
    lastStatAt: tstz('last_stat_at'),
    error: text('error'),
    acceptedAt: tstz('accepted_at'),
    // Set for messages sent with a sendAt (held in SMS_SCHEDULED until then) and a validity.
    sendAt: tstz('send_at'),
    validUntil: tstz('valid_until'),
    // The message's own callbackUrl, when it named one (most use their client's): receipts come without it.
    callbackUrl: text('callback_url'),
    submittedAt: tstz('submitted_at'),
    doneAt: tstz('done_at'),
    updatedAt: tstz('updated_at').notNull().default(sql`now()`),
  },
  (t) => [
    // GET /v1/messages lists a client's messages newest first, keyset-paginated on (accepted_at, id): one index range
    // scan per page, for each filter. The status index has a price: a final update changes an indexed column, so it is
    // no longer heap-only (HOT). Without it a filter on a rare state walked the client's whole history (2 M rows: 0.5–0.9 s
    // per page, measured with tools/bench/list-plan.ts), with it every filter is a range scan.
    index('messages_client_accepted_idx').on(t.clientId, t.acceptedAt, t.id),
    index('messages_client_status_idx').on(t.clientId, t.status, t.acceptedAt, t.id),
    index('messages_client_to_idx').on(t.clientId, t.to, t.acceptedAt, t.id),
    index('messages_client_ref_idx').on(t.clientId, t.clientRef, t.acceptedAt, t.id).where(sql`${t.clientRef} is not null`),
    // How receipts of one-part messages find them. Not unique: an SMSC that reuses ids must not fail a batch.
    index('messages_carrier_smsc_idx').on(t.carrier, t.smscMessageId).where(sql`${t.parts} = 1`),
    // How the receipt-timeout sweep finds messages submitted in a time window. BRIN: rows arrive in submit order,
    // the index is a few pages and costs next to nothing per insert (a b-tree here would be one more index write
    // per message).
    index('messages_submitted_brin').using('brin', t.submittedAt),
    // How retention finds old messages across clients: BRIN for the same reason (rows arrive in acceptance order).
    index('messages_accepted_brin').using('brin', t.acceptedAt),
  ],
);

export const messageParts = pgTable(
  'message_parts',
  {
    messageId: text('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    part: smallint('part').notNull(),
    parts: smallint('parts').notNull(),
    carrier: text('carrier').notNull(),
    smscMessageId: text('smsc_message_id').notNull(),
    // Null until a final receipt: intermediate receipts only move last_stat.
    status: text('status'),
    lastStat: text('last_stat'),
    // Time of the receipt that set last_stat, so an older replayed intermediate receipt cannot overwrite a newer one.
    lastStatAt: tstz('last_stat_at'),
    error: text('error'),
    submittedAt: tstz('submitted_at').notNull(),
    doneAt: tstz('done_at'),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.part] }),
    // Receipts carry only (carrier, smsc id): this is how they find their part.
    unique('message_parts_carrier_smsc_uq').on(t.carrier, t.smscMessageId),
  ],
);

export const orphanReceipts = pgTable(
  'orphan_receipts',
  {
    carrier: text('carrier').notNull(),
    smscMessageId: text('smsc_message_id').notNull(),
    stat: text('stat').notNull(),
    err: text('err'),
    doneAt: tstz('done_at'),
    receivedAt: tstz('received_at').notNull(),
  },
  // Keyed by what identifies a receipt, so recording the same orphan twice is a no-op.
  (t) => [primaryKey({ columns: [t.carrier, t.smscMessageId, t.stat] }), index('orphan_receipts_received_brin').using('brin', t.receivedAt)],
);

/** How far each periodic sweep has got (e.g. the receipt timeout per carrier), so a restart resumes, never rescans. */
export const sweepMarks = pgTable('sweep_marks', {
  name: text('name').primaryKey(),
  upTo: tstz('up_to').notNull(),
});

/**
 * Callbacks that failed for good (attempts exhausted, refused by the receiver, or their endpoint disabled): listed
 * at GET /v1/callbacks/failed and replayed from here. The signed body is kept as it was sent.
 */
export const callbackFailures = pgTable(
  'callback_failures',
  {
    // The webhook-id: a replayed callback keeps it, so receivers still dedupe.
    webhookId: text('webhook_id').primaryKey(),
    clientId: text('client_id').notNull(),
    url: text('url').notNull(),
    type: text('type').notNull(),
    ref: text('ref').notNull(),
    body: text('body').notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error').notNull(),
    failedAt: tstz('failed_at').notNull(),
    // Set when replayed; a replayed callback that fails again is recorded anew (replayed_at back to null).
    replayedAt: tstz('replayed_at'),
  },
  (t) => [index('callback_failures_client_idx').on(t.clientId, t.failedAt, t.webhookId)],
);

/**
 * Callbacks waiting longer than callbacks.parkAfterMs for their next attempt (a retry hours away, an endpoint whose
 * breaker stays open): kept here rather than pending in JetStream, where every waiting callback counts against the
 * consumer's max_ack_pending and a long-dead endpoint would in the end stop the callbacks of every other one. The
 * worker puts them back on the bus when due.
 */
export const callbackParked = pgTable(
  'callback_parked',
  {
    // The Nats-Msg-Id the callback goes back with: unique per attempt, so a callback parked twice is one row.
    key: text('key').primaryKey(),
    due: tstz('due').notNull(),
    job: text('job').notNull(),
  },
  (t) => [index('callback_parked_due_idx').on(t.due)],
);

/** Endpoints a receiver switched off by answering 410 Gone; a replay of one of their callbacks switches them on again. */
export const callbackEndpoints = pgTable('callback_endpoints', {
  url: text('url').primaryKey(),
  clientId: text('client_id').notNull(),
  disabledAt: tstz('disabled_at').notNull(),
  reason: text('reason').notNull(),
});

export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: text('id').primaryKey(),
    carrier: text('carrier').notNull(),
    from: text('from').notNull(),
    to: text('to').notNull(),
    // The text, or with text_key_id set its AES-256-GCM ciphertext (base64 of nonce, ciphertext and tag).
    text: text('text').notNull(),
    dataCoding: smallint('data_coding').notNull(),
    receivedAt: tstz('received_at').notNull(),
    parts: smallint('parts').notNull().default(1),
    // The client the inbound routes gave it; null when no route matched (stored, never listed).
    clientId: text('client_id'),
    textKeyId: text('text_key_id'),
  },
  (t) => [
    // GET /v1/inbound: a client's inbound messages newest first, keyset pages on (received_at, id).
    index('inbound_client_received_idx').on(t.clientId, t.receivedAt, t.id),
    index('inbound_received_brin').using('brin', t.receivedAt),
  ],
);
