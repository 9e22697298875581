/**
 * Per-bind TPS limiter: a token bucket refilled continuously at `rate` per second, with a small burst so
 * the rate holds over any second. Supports pausing and multiplicative decrease / additive recovery
 * when the SMSC throttles us. Pure: time comes from a Clock.
 */
import type { Clock } from '../core/clock.js';

export interface TokenBucket {
  /** Whole tokens available now. */
  available(): number;
  /** Takes one token if available. */
  tryTake(): boolean;
  /** Milliseconds until one token is available (0 when one is). */
  msUntilToken(): number;
  /** The SMSC said slow down: pause for `pauseMs` and cut the rate (multiplicative decrease). */
  throttled(pauseMs: number): void;
  /** Current effective rate (per second). */
  rate(): number;
  /**
   * A new configured rate (the carrier's account rate was split again). A bind sending at its configured rate moves
   * to the new one at once; one slowed by a throttle keeps its lower rate and recovers towards the new target.
   */
  setTarget(rate: number): void;
}

export interface TokenBucketOptions {
  rate: number;
  /** Max tokens held; defaults to 1/10 s worth of rate (at least 1), so bursts stay small. */
  burst?: number;
  /** Factor applied to the rate on each throttle (default 0.5), never below `minRate`. */
  decrease?: number;
  /** Rate regained per second of un-throttled sending, as a share of the configured rate (default 0.05). */
  recoverPerSecond?: number;
  minRate?: number;
}

export function createTokenBucket(opts: TokenBucketOptions, clock: Clock): TokenBucket {
  let target = opts.rate;
  const decrease = opts.decrease ?? 0.5;
  let recover = (opts.recoverPerSecond ?? 0.05) * target;
  let minRate = opts.minRate ?? Math.min(target, 1);
  const burstFor = (r: number) => opts.burst ?? Math.max(1, Math.ceil(r / 10));
  let rate = target;
  let burst = burstFor(rate);
  let tokens = burst;
  let last = clock.now();
  let pausedUntil = 0;

  function refill(): void {
    const now = clock.now();
    if (now <= last) return;
    const from = Math.max(last, pausedUntil);
    if (now > from) {
      const dt = (now - from) / 1000;
      if (rate < target) {
        rate = Math.min(target, rate + recover * dt);
        burst = burstFor(rate);
      }
      tokens = Math.min(burst, tokens + dt * rate);
    }
    last = now;
  }

  return {
    available() {
      refill();
      return clock.now() < pausedUntil ? 0 : Math.floor(tokens);
    },
    tryTake() {
      refill();
      if (clock.now() < pausedUntil || tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    msUntilToken() {
      refill();
      const now = clock.now();
      const pause = Math.max(0, pausedUntil - now);
      const need = tokens >= 1 ? 0 : ((1 - tokens) / rate) * 1000;
      return Math.ceil(pause + need);
    },
    throttled(pauseMs) {
      refill();
      rate = Math.max(minRate, rate * decrease);
      burst = burstFor(rate);
      tokens = Math.min(tokens, 0);
      pausedUntil = Math.max(pausedUntil, clock.now() + pauseMs);
    },
    rate() {
      refill();
      return rate;
    },
    setTarget(next) {
      refill();
      const atTarget = rate >= target;
      target = next;
      recover = (opts.recoverPerSecond ?? 0.05) * target;
      minRate = opts.minRate ?? Math.min(target, 1);
      if (atTarget || rate > target) rate = target;
      burst = burstFor(rate);
      tokens = Math.min(tokens, burst);
    },
  };
}
