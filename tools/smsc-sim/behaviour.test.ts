/** Behaviour tests: patches, rate buckets, throttle/reject draws. */
import { describe, expect, it } from 'vitest';
import { Status } from '../../internal/smpp/command-status.js';
import { applyBehaviour, createRateBucket, DEFAULT_BEHAVIOUR, InvalidBehaviourError, isSilent, judgeSubmit } from './behaviour.js';

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

describe('behaviour: response shaping', () => {
  it('applies respondDelayMs, silentShare, receiptBeforeResp and congestionState, and refuses nonsense', () => {
    const b = applyBehaviour(DEFAULT_BEHAVIOUR, { respondDelayMs: 50, silentShare: 0.1, receiptBeforeResp: true, congestionState: 95 });
    expect(b).toMatchObject({ respondDelayMs: 50, silentShare: 0.1, receiptBeforeResp: true, congestionState: 95 });
    expect(applyBehaviour(b, { congestionState: undefined }).congestionState).toBe(95);
    expect(applyBehaviour(b, { congestionState: null }).congestionState).toBeUndefined();
    expect(() => applyBehaviour(b, { silentShare: 2 })).toThrow(InvalidBehaviourError);
    expect(() => applyBehaviour(b, { respondDelayMs: -5 })).toThrow(InvalidBehaviourError);
    expect(() => applyBehaviour(b, { congestionState: 101 })).toThrow(InvalidBehaviourError);
    expect(() => applyBehaviour(b, { congestionState: 1.5 })).toThrow(InvalidBehaviourError);
  });

  it('draws silence by silentShare', () => {
    const b = applyBehaviour(DEFAULT_BEHAVIOUR, { silentShare: 0.25 });
    expect(isSilent(b, () => 0.2)).toBe(true);
    expect(isSilent(b, () => 0.3)).toBe(false);
    expect(isSilent(DEFAULT_BEHAVIOUR, () => 0)).toBe(false);
  });
});
