/** Message states, their order, and which are final: the one place that decides "never move backwards". */
export const MESSAGE_STATUSES = [
  'accepted',
  'submitted',
  'unknown',
  'delivered',
  'undeliverable',
  'expired',
  'rejected',
  'failed',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const FINAL_STATUSES = ['delivered', 'undeliverable', 'expired', 'rejected', 'failed'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

/**
 * Rank used by every writer: a state may only be replaced by one of higher rank, so replayed or
 * out-of-order events never regress a message (delivered stays delivered). Final states share one rank:
 * the first final state recorded wins.
 */
export const STATUS_RANK: Readonly<Record<MessageStatus, number>> = Object.freeze({
  accepted: 0,
  submitted: 1,
  // No receipt came within the carrier's receiptTimeoutS: not final, so a receipt that arrives later still counts.
  unknown: 2,
  delivered: 3,
  undeliverable: 3,
  expired: 3,
  rejected: 3,
  failed: 3,
});

export function isFinal(s: MessageStatus): s is FinalStatus {
  return STATUS_RANK[s] === 3;
}
