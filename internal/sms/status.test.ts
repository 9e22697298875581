/** Which states are final: README, message lifecycle (delivered, undeliverable, expired, rejected, failed). */
import { describe, expect, it } from 'vitest';
import { CONTENT_ENCODINGS } from './message.js';
import { isFinal, MESSAGE_STATUSES } from './status.js';

describe('message states', () => {
  it('accepted and submitted are not final; the five outcomes are', () => {
    expect(MESSAGE_STATUSES.filter(isFinal)).toEqual(['delivered', 'undeliverable', 'expired', 'rejected', 'failed']);
    expect(isFinal('accepted')).toBe(false);
    expect(isFinal('submitted')).toBe(false);
  });

  it('content goes as one of the four encodings the README names', () => {
    expect([...CONTENT_ENCODINGS].sort()).toEqual(['binary', 'gsm7', 'latin1', 'ucs2']);
  });
});
