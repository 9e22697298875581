/** Behaviour tests: patches, rate buckets, throttle/reject draws. */
import { describe, expect, it } from 'vitest';
import { Status } from '../smpp/command-status.js';
import { applyBehaviour, createRateBucket, DEFAULT_BEHAVIOUR, InvalidBehaviourError, judgeSubmit } from './behaviour.js';

describe('behaviour', () => {
  it('applies patches and refuses nonsense', () => {
    const b = applyBehaviour(DEFAULT_BEHAVIOUR, { throttleShare: 0.5, receiptStat: 'EXPIRED', maxTps: undefined });
    expect(b).toMatchObject({ throttleShare: 0.5, receiptStat: 'EXPIRED', maxTps: 0, receipts: true });
    expect(() => applyBehaviour(b, { rejectShare: 1.5 })).toThrow(InvalidBehaviourError);
    expect(() => applyBehaviour(b, { receiptDelayMs: -1 })).toThrow(InvalidBehaviourError);
    expect(() => applyBehaviour(b, { receiptStat: 'NOPE' as never })).toThrow(InvalidBehaviourError);
  });

  it('limits each bucket to maxTps per second, refilling with time', () => {
    const b = applyBehaviour(DEFAULT_BEHAVIOUR, { maxTps: 10 });
    const bucket = createRateBucket(0);
    const first = Array.from({ length: 15 }, () => judgeSubmit(b, bucket, 0));
    expect(first.filter((s) => s === 0)).toHaveLength(10);
    expect(judgeSubmit(b, bucket, 50)).toBe(Status.ESME_RTHROTTLED);
    expect(judgeSubmit(b, bucket, 100)).toBe(0);
    expect(judgeSubmit(b, bucket, 100)).toBe(Status.ESME_RTHROTTLED);
  });

  it('draws throttles before rejections', () => {
    const bucket = createRateBucket(0);
    const both = applyBehaviour(DEFAULT_BEHAVIOUR, { throttleShare: 0.5, rejectShare: 0.5 });
    expect(judgeSubmit(both, bucket, 0, () => 0.4)).toBe(Status.ESME_RTHROTTLED);
    expect(judgeSubmit(both, bucket, 0, () => 0.6)).toBe(0);
    const seq = [0.9, 0.1];
    expect(judgeSubmit(both, bucket, 0, () => seq.shift()!)).toBe(Status.ESME_RINVDSTADR);
  });
});
