/** Which states are final: README, Statuses (delivered, undeliverable, expired, rejected, failed, canceled). */
import { describe, expect, it } from 'vitest';
import { CONTENT_ENCODINGS } from './message.js';
import { isFinal, MESSAGE_STATUSES } from './status.js';

describe('message states', () => {
  it('scheduled, accepted, submitted and unknown are not final; the six outcomes are', () => {
    expect(MESSAGE_STATUSES.filter(isFinal)).toEqual(['delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'canceled']);
    for (const s of ['scheduled', 'accepted', 'submitted', 'unknown'] as const) expect(isFinal(s)).toBe(false);
  });

  it('content goes as one of the four encodings the README names', () => {
    expect([...CONTENT_ENCODINGS].sort()).toEqual(['binary', 'gsm7', 'latin1', 'ucs2']);
  });
});
