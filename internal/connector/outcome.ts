/**
 * What happens to a message after its submit attempt: the one pure function that decides ack, retry
 * (nak with a delay) or a final failed/rejected state. The rules, in order:
 *  - every segment accepted → ack (after the "submitted" events are stored);
 *  - the bind was lost, or the process is draining → retry at once on any bind: nothing is known to be sent
 *    beyond what the SMSC acknowledged, and the loss is not the message's fault;
 *  - a retryable SMSC status or a response timeout ("outcome unknown": the SMSC may have the message)
 *    → retry with exponential backoff, until `maxAttempts` deliveries, then final `failed`
 *    with the last status recorded; timeouts are counted, since a retry may duplicate;
 *  - a permanent SMSC status → final `rejected` at once;
 *  - on the consumer's last permitted delivery, anything that would be retried → final `failed` instead, so the
 *    message ends with a recorded state rather than in the dead letters.
 * Throttling never reaches here: the bind actor slows down and re-sends the segment itself.
 */
export type SegmentOutcome =
  | { kind: 'ok'; smscMessageId: string }
  | { kind: 'retry'; status: number; statusName: string }
  | { kind: 'rejected'; status: number; statusName: string }
  | { kind: 'timeout' }
  | { kind: 'closed' };

export type Disposition =
  | { kind: 'ack' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'final'; status: 'rejected' | 'failed'; error: string };

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 };

export function backoffMs(attempt: number, p: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Decides from the worst segment outcome; `deliveryCount` is JetStream's count (1 on first delivery), and
 * `lastDelivery` says the consumer will not deliver the message again.
 */
export function decide(outcomes: readonly SegmentOutcome[], deliveryCount: number, policy: RetryPolicy, lastDelivery = false): Disposition {
  const rejected = outcomes.find((o) => o.kind === 'rejected');
  if (rejected && rejected.kind === 'rejected') {
    return { kind: 'final', status: 'rejected', error: `smsc status 0x${hex(rejected.status)} ${rejected.statusName}` };
  }
  if (outcomes.some((o) => o.kind === 'closed')) {
    if (lastDelivery) return { kind: 'final', status: 'failed', error: `bind lost on delivery ${deliveryCount}, the last one permitted` };
    return { kind: 'retry', delayMs: 0 };
  }
  const retry = outcomes.find((o) => o.kind === 'retry' || o.kind === 'timeout');
  if (!retry) return { kind: 'ack' };
  const what = retry.kind === 'retry' ? `smsc status 0x${hex(retry.status)} ${retry.statusName}` : 'no submit_sm_resp (timeout)';
  if (deliveryCount >= policy.maxAttempts || lastDelivery) {
    return { kind: 'final', status: 'failed', error: `${what} after ${deliveryCount} attempts` };
  }
  return { kind: 'retry', delayMs: backoffMs(deliveryCount, policy) };
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
