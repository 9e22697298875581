import { describe, expect, it } from 'vitest';
import { backoffMs, decide, defaultRetryPolicy as p } from './outcome.js';

const ok = { kind: 'ok', smscMessageId: 'a1' } as const;

describe('decide', () => {
  it('acks when every segment is accepted', () => {
    expect(decide([ok, ok], 1, p)).toEqual({ kind: 'ack' });
  });
  it('rejects at once on a permanent status, even after other segments were accepted', () => {
    expect(decide([ok, { kind: 'rejected', status: 0x0b, statusName: 'ESME_RINVDSTADR' }], 1, p)).toEqual({
      kind: 'final',
      status: 'rejected',
      error: 'smsc status 0x0000000b ESME_RINVDSTADR',
    });
  });
  it('retries with exponential backoff, then fails with the status recorded', () => {
    const sys = { kind: 'retry', status: 0x08, statusName: 'ESME_RSYSERR' } as const;
    expect(decide([sys], 1, p)).toEqual({ kind: 'retry', delayMs: 1000 });
    expect(decide([sys], 3, p)).toEqual({ kind: 'retry', delayMs: 4000 });
    expect(decide([sys], 5, p)).toEqual({ kind: 'final', status: 'failed', error: 'smsc status 0x00000008 ESME_RSYSERR after 5 attempts' });
  });
  it('treats a timeout as unknown outcome: bounded retries', () => {
    expect(decide([{ kind: 'timeout' }], 2, p)).toEqual({ kind: 'retry', delayMs: 2000 });
    expect(decide([{ kind: 'timeout' }], 5, p).kind).toBe('final');
  });
  it('retries a lost bind at once, whatever the attempt count', () => {
    expect(decide([ok, { kind: 'closed' }], 9, p)).toEqual({ kind: 'retry', delayMs: 0 });
  });
  it('ends with a recorded failure instead of a retry on the last permitted delivery', () => {
    expect(decide([ok, { kind: 'closed' }], 147, p, true)).toEqual({
      kind: 'final',
      status: 'failed',
      error: 'bind lost on delivery 147, the last one permitted',
    });
    const sys = { kind: 'retry', status: 0x08, statusName: 'ESME_RSYSERR' } as const;
    expect(decide([sys], 2, p, true)).toEqual({ kind: 'final', status: 'failed', error: 'smsc status 0x00000008 ESME_RSYSERR after 2 attempts' });
    expect(decide([ok], 147, p, true)).toEqual({ kind: 'ack' });
  });
  it('caps the backoff', () => {
    expect(backoffMs(30, p)).toBe(60_000);
  });
});

describe('decide: what a final failure records', () => {
  it('a timeout that runs out of attempts says no response came', () => {
    expect(decide([{ kind: 'timeout' }], 5, p)).toEqual({ kind: 'final', status: 'failed', error: 'no submit_sm_resp (timeout) after 5 attempts' });
  });
});
