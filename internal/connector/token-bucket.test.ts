import { describe, expect, it } from 'vitest';
import { fakeClock } from '../core/clock.js';
import { createTokenBucket } from './token-bucket.js';

function sendFor(ms: number, stepMs: number, bucket: ReturnType<typeof createTokenBucket>, clock: ReturnType<typeof fakeClock>): number {
  let sent = 0;
  for (let t = 0; t < ms; t += stepMs) {
    while (bucket.tryTake()) sent++;
    clock.advance(stepMs);
  }
  return sent;
}

describe('token bucket', () => {
  it('holds the configured rate over 10 s within 1%', () => {
    const clock = fakeClock(1000);
    const b = createTokenBucket({ rate: 500 }, clock);
    const sent = sendFor(10_000, 3, b, clock);
    expect(sent).toBeGreaterThanOrEqual(4950);
    expect(sent).toBeLessThanOrEqual(5050);
  });

  it('limits bursts to a tenth of a second of tokens', () => {
    const clock = fakeClock(0);
    const b = createTokenBucket({ rate: 1000 }, clock);
    clock.advance(60_000);
    expect(b.available()).toBe(100);
  });

  it('tells how long until the next token', () => {
    const clock = fakeClock(0);
    const b = createTokenBucket({ rate: 10, burst: 1 }, clock);
    expect(b.tryTake()).toBe(true);
    expect(b.tryTake()).toBe(false);
    expect(b.msUntilToken()).toBe(100);
    clock.advance(100);
    expect(b.tryTake()).toBe(true);
  });

  it('pauses and halves the rate when throttled, then recovers additively', () => {
    const clock = fakeClock(0);
    const b = createTokenBucket({ rate: 100 }, clock);
    b.throttled(1000);
    expect(b.rate()).toBe(50);
    expect(b.available()).toBe(0);
    expect(b.msUntilToken()).toBeGreaterThanOrEqual(1000);
    clock.advance(500);
    expect(b.tryTake()).toBe(false);
    clock.advance(600);
    // 5% of 100/s regained per second after the pause
    expect(b.rate()).toBeCloseTo(50 + 5 * 0.1, 5);
    clock.advance(20_000);
    b.available();
    expect(b.rate()).toBe(100);
  });

  it('never cuts below the minimum rate', () => {
    const clock = fakeClock(0);
    const b = createTokenBucket({ rate: 8, minRate: 1 }, clock);
    for (let i = 0; i < 10; i++) b.throttled(0);
    expect(b.rate()).toBe(1);
  });
});

describe('token bucket: the rule at its edges', () => {
  it('a clock that steps back and forward again earns nothing twice', () => {
    const clock = fakeClock(1000);
    const b = createTokenBucket({ rate: 10, burst: 10 }, clock);
    while (b.tryTake());
    clock.advance(500);
    expect(b.available()).toBe(5);
    clock.set(1000);
    expect(b.available()).toBe(5);
    clock.set(1500);
    expect(b.available()).toBe(5);
  });

  it('a full bucket has a token now: 0 ms to wait, at any clock value', () => {
    const clock = fakeClock(1_000_000);
    const b = createTokenBucket({ rate: 10, burst: 5 }, clock);
    expect(b.msUntilToken()).toBe(0);
  });

  it('from half a token, the wait is the missing half at the rate', () => {
    const clock = fakeClock(0);
    const b = createTokenBucket({ rate: 10, burst: 1 }, clock);
    b.tryTake();
    clock.advance(50);
    expect(b.msUntilToken()).toBe(50);
  });

  it('a throttle empties the bucket: after the pause tokens come at the cut rate, none saved from before', () => {
    const clock = fakeClock(0);
    const b = createTokenBucket({ rate: 100, burst: 10 }, clock);
    expect(b.available()).toBe(10);
    b.throttled(1000);
    clock.advance(1000);
    expect(b.available()).toBe(0);
    // 50/s after the cut: one token every 20 ms.
    clock.advance(20);
    expect(b.available()).toBe(1);
  });

  it('setTarget moves a bind at its configured rate to the new rate at once', () => {
    const clock = fakeClock(1000);
    const b = createTokenBucket({ rate: 300 }, clock);
    b.setTarget(100);
    expect(b.rate()).toBe(100);
    const sent = sendFor(10_000, 5, b, clock);
    // 10 s at 100/s, plus at most the burst held before the change (a tenth of a second at 300/s).
    expect(sent).toBeGreaterThanOrEqual(990);
    expect(sent).toBeLessThanOrEqual(1031);
  });

  it('setTarget leaves a throttled bind at its cut rate, recovering towards the new target', () => {
    const clock = fakeClock(0);
    const b = createTokenBucket({ rate: 100 }, clock);
    b.throttled(0);
    expect(b.rate()).toBe(50);
    b.setTarget(200);
    expect(b.rate()).toBe(50);
    clock.advance(1000);
    // 5 % of the new target per second.
    expect(b.rate()).toBeCloseTo(60, 5);
    b.setTarget(40);
    expect(b.rate()).toBe(40);
  });
});
