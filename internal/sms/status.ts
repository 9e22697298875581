/** Message states, their order, and which are final: the one place that decides "never move backwards". */
export const MESSAGE_STATUSES = [
  'scheduled',
  'accepted',
  'submitted',
  'unknown',
  'delivered',
  'undeliverable',
  'expired',
  'rejected',
  'failed',
  'canceled',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const FINAL_STATUSES = ['delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'canceled'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

/**
 * Rank used by every writer: a state may only be replaced by one of higher rank, so replayed or
 * out-of-order events never regress a message (delivered stays delivered). Final states share one rank:
 * the first final state recorded wins. `scheduled` ranks below `accepted` (−1, so rows written before it
 * existed keep their ranks): a scheduled message becomes accepted when it is released to its carrier's queue.
 */
export const STATUS_RANK: Readonly<Record<MessageStatus, number>> = Object.freeze({
  scheduled: -1,
  accepted: 0,
  submitted: 1,
  // No receipt came within the carrier's receiptTimeoutS: not final, so a receipt that arrives later still counts.
  unknown: 2,
  delivered: 3,
  undeliverable: 3,
  expired: 3,
  rejected: 3,
  failed: 3,
  canceled: 3,
});

export function isFinal(s: MessageStatus): s is FinalStatus {
  return STATUS_RANK[s] === 3;
}

/** What each state means, for the README and the OpenAPI description (one source for both). */
export const STATUS_MEANING: Readonly<Record<MessageStatus, string>> = Object.freeze({
  scheduled: 'held in JetStream until its sendAt; can be canceled',
  accepted: 'stored in JetStream, queued for its carrier; can be canceled until a connector takes it',
  submitted: 'every segment got submit_sm_resp OK from the SMSC; waiting for the delivery receipt',
  unknown: "no receipt came within the carrier's receiptTimeoutS; not final: a receipt that arrives later still decides",
  delivered: 'final: the receipt (of every segment) said DELIVRD',
  undeliverable: 'final: the receipt said UNDELIV or DELETED',
  expired: 'final: the SMSC reported EXPIRED, or the validity period ended before it could be submitted',
  rejected: 'final: the SMSC refused it permanently (or its receipt said REJECTD)',
  failed: 'final: retries exhausted, or dead-lettered; the error says why',
  canceled: 'final: canceled by the client before it was submitted',
});
