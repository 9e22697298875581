/**
 * Per-client rate limit, one token bucket per client in this edge process, shared by HTTP and the NATS API. A message
 * is a token (a batch of 100 takes 100); the bucket holds one second of tokens. The cluster-wide limits
 * (client-limits.ts) fall back to it while their shared counters cannot be reached.
 */
export interface RateLimiter {
  /** Takes up to `n` tokens; returns how many it got (0 … n) and, when short, the seconds until one is free. */
  take(clientId: string, rate: number, n: number): { granted: number; retryAfterS: number };
}

export function createRateLimiter(now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(clientId, rate, n) {
      if (rate <= 0) return { granted: n, retryAfterS: 0 };
      const t = now();
      let b = buckets.get(clientId);
      if (!b) buckets.set(clientId, (b = { tokens: rate, at: t }));
      b.tokens = Math.min(rate, b.tokens + ((t - b.at) * rate) / 1000);
      b.at = t;
      const granted = Math.max(0, Math.min(n, Math.floor(b.tokens)));
      b.tokens -= granted;
      const retryAfterS = granted < n ? Math.max(1, Math.ceil((1 - b.tokens) / rate)) : 0;
      return { granted, retryAfterS };
    },
  };
}
