/**
 * Per-endpoint admission for callback attempts: at most `concurrency` POSTs in flight to one origin
 * (scheme://host:port), and a circuit breaker that, after `threshold` failed attempts in a row, lets no attempt
 * through for `openMs` (doubling on each failed probe, up to 10 minutes), then one probe at a time until one
 * succeeds. A callback that is not admitted waits in JetStream, not here. Pure (time comes from the caller).
 */

export type Admission =
  | { kind: 'go'; release: (success: boolean, now: number) => void }
  /** The endpoint is busy or its breaker is open: ask again after `retryInMs`. */
  | { kind: 'wait'; retryInMs: number; why: 'busy' | 'open' };

export interface EndpointGateOptions {
  concurrency: number;
  threshold: number;
  openMs: number;
  /** How long a callback turned away from a busy endpoint waits before it is looked at again. */
  busyRetryMs: number;
  /** Endpoints remembered at most; the idle ones are forgotten first. */
  maxEndpoints?: number;
}

const MAX_OPEN_MS = 600_000;

interface EndpointState {
  inFlight: number;
  failures: number;
  /** Breaker open until then (0: closed). */
  openUntil: number;
  openMs: number;
  probing: boolean;
}

export interface EndpointGate {
  admit(endpoint: string, now: number, random: number): Admission;
  /** Endpoints whose breaker is open now (a gauge). */
  openCount(now: number): number;
  /** Whether the endpoint's breaker is open (or half-open: waiting for a probe to succeed). */
  isOpen(endpoint: string): boolean;
}

export function endpointOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

export function createEndpointGate(o: EndpointGateOptions): EndpointGate {
  const states = new Map<string, EndpointState>();
  const maxEndpoints = o.maxEndpoints ?? 10_000;

  function stateOf(endpoint: string): EndpointState {
    let s = states.get(endpoint);
    if (s) {
      // Map order is recency order: the oldest entries are the ones forgotten.
      states.delete(endpoint);
      states.set(endpoint, s);
      return s;
    }
    s = { inFlight: 0, failures: 0, openUntil: 0, openMs: o.openMs, probing: false };
    states.set(endpoint, s);
    if (states.size > maxEndpoints) {
      for (const [k, v] of states) {
        if (states.size <= maxEndpoints) break;
        if (v.inFlight === 0 && v.openUntil === 0) states.delete(k);
      }
    }
    return s;
  }

  return {
    admit(endpoint, now, random) {
      const s = stateOf(endpoint);
      const jitter = (ms: number) => Math.round(ms * (1 + 0.5 * random));
      if (s.openUntil > now) return { kind: 'wait', retryInMs: jitter(s.openUntil - now), why: 'open' };
      const halfOpen = s.openUntil !== 0;
      if (halfOpen && s.probing) return { kind: 'wait', retryInMs: jitter(o.busyRetryMs), why: 'open' };
      if (s.inFlight >= o.concurrency) return { kind: 'wait', retryInMs: jitter(o.busyRetryMs), why: 'busy' };
      s.inFlight++;
      if (halfOpen) s.probing = true;
      let released = false;
      return {
        kind: 'go',
        release(success, at) {
          if (released) return;
          released = true;
          s.inFlight--;
          if (halfOpen) s.probing = false;
          if (success) {
            s.failures = 0;
            s.openUntil = 0;
            s.openMs = o.openMs;
            return;
          }
          s.failures++;
          if (halfOpen) {
            s.openMs = Math.min(MAX_OPEN_MS, s.openMs * 2);
            s.openUntil = at + s.openMs;
          } else if (s.failures >= o.threshold && s.openUntil === 0) {
            s.openUntil = at + s.openMs;
          }
        },
      };
    },
    isOpen(endpoint) {
      return (states.get(endpoint)?.openUntil ?? 0) !== 0;
    },
    openCount(now) {
      let n = 0;
      for (const s of states.values()) if (s.openUntil > now) n++;
      return n;
    },
  };
}
