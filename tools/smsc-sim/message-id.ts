/** Message ids the simulated SMSC hands out in submit_sm_resp and repeats in receipts. */

export const MessageIdFormat = { hex: 'hex', decimal: 'decimal' } as const;
export type MessageIdFormat = (typeof MessageIdFormat)[keyof typeof MessageIdFormat];

/**
 * A counter from a random start: unique within a run, unlikely to repeat across restarts (so a
 * gateway's receipt matching is not fooled by a restarted simulator), and cheap at 20k/s.
 */
export function createMessageIdGenerator(format: MessageIdFormat, start?: number): () => string {
  let n = start ?? Math.floor(Math.random() * 2 ** 40);
  return format === 'hex' ? () => (++n).toString(16) : () => String(++n);
}
