/**
 * The headers of a 429: Retry-After, and RateLimit-Policy / RateLimit as the IETF draft "RateLimit header fields for
 * HTTP" (draft-ietf-httpapi-ratelimit-headers-08 and later) writes them — structured-field lists of named policies,
 * `q` the quota in a window of `w` seconds, `r` what is left and `t` the seconds until it is back. The NATS API sends
 * the same as message headers.
 */
import type { LimitPolicy, LimitRefusal } from './client-limits.js';

export const RATE_POLICY = 'rate';
export const QUOTA_POLICY = 'daily';

export function limitHeaders(policy: LimitPolicy, why: LimitRefusal): Record<string, string> {
  const policies: string[] = [];
  const rate = policy.rateLimit;
  // q and w are whole numbers: a rate below one a second is one message per so many seconds.
  if (rate >= 1) policies.push(`"${RATE_POLICY}";q=${Math.round(rate)};w=1`);
  else if (rate > 0) policies.push(`"${RATE_POLICY}";q=1;w=${Math.round(1 / rate)}`);
  const quota = policy.dailyQuota ?? 0;
  if (quota > 0) policies.push(`"${QUOTA_POLICY}";q=${quota};w=86400`);
  const name = why.kind === 'quota' ? QUOTA_POLICY : RATE_POLICY;
  const headers: Record<string, string> = {
    'Retry-After': String(why.retryAfterS),
    RateLimit: `"${name}";r=0;t=${why.retryAfterS}`,
  };
  if (policies.length > 0) headers['RateLimit-Policy'] = policies.join(', ');
  return headers;
}
