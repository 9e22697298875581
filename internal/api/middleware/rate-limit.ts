/** Per-client request rate limit (token bucket per edge process); 429 with Retry-After when exceeded. */
import type { MiddlewareHandler } from 'hono';
import type { AuthEnv } from './auth.js';
import { problem } from '../problem.js';

export const clientRateLimit = (now: () => number = Date.now): MiddlewareHandler<AuthEnv> => {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return async function clientRateLimit(c, next) {
    const client = c.get('client');
    const rate = client.rateLimit;
    if (rate > 0) {
      const t = now();
      let b = buckets.get(client.id);
      if (!b) buckets.set(client.id, (b = { tokens: rate, at: t }));
      b.tokens = Math.min(rate, b.tokens + ((t - b.at) * rate) / 1000);
      b.at = t;
      if (b.tokens < 1) {
        const waitS = Math.max(1, Math.ceil((1 - b.tokens) / rate));
        return problem(c, 'rateLimited', `Client ${client.id} may send ${rate} requests per second; retry after ${waitS} s.`, {}, { 'Retry-After': String(waitS) });
      }
      b.tokens -= 1;
    }
    await next();
  };
};
