/**
 * The drills' client: sends at a steady rate over HTTP, round-robin over the edges, and behaves as the API tells
 * clients to — every message carries an Idempotency-Key, and a 503 or a connection error is retried (on the next
 * edge, after Retry-After) with the same key until it is accepted or the client gives up. It records what was
 * accepted (the 2xx the gateway promised to keep) and, per second, what failed.
 */
import { HttpPool, type HttpResult } from '../loadgen/http-pool.js';

export interface DrillLoadOptions {
  edges: () => string[];
  apiKey: string;
  /** Messages per second. */
  rate: number;
  /** Unique per drill run: it makes the keys and texts unique. */
  tag: string;
  /** A message not accepted after this long is given up (counted, never silently dropped). */
  giveUpMs?: number;
  /** Messages in flight (including those waiting to be retried) at most; past it, arrivals are counted as dropped. */
  maxInFlight?: number;
}

export interface DrillSecond {
  sent: number;
  accepted: number;
  /** 503s, connection errors and timeouts seen this second. */
  errors: number;
}

export interface DrillLoad {
  readonly startedAt: number;
  /** Stops new arrivals and waits for every message in flight to be accepted or given up. */
  stop(): Promise<void>;
  accepted(): string[];
  gaveUp(): number;
  dropped(): number;
  /** Answers that were neither 2xx nor retryable (a bug in the client or the gateway). */
  rejected(): { status: number; body: string }[];
  seconds(): Map<number, DrillSecond>;
}

const REQUEST_TIMEOUT_MS = 5000;

export function startDrillLoad(o: DrillLoadOptions): DrillLoad {
  const giveUpMs = o.giveUpMs ?? 60_000;
  const maxInFlight = o.maxInFlight ?? 20_000;
  const pools = new Map<string, HttpPool>();
  const pool = (base: string): HttpPool => {
    let p = pools.get(base);
    if (!p) {
      const u = new URL(base);
      pools.set(base, (p = new HttpPool(u.hostname, Number(u.port), 64, REQUEST_TIMEOUT_MS)));
    }
    return p;
  };
  const startedAt = Date.now();
  const accepted: string[] = [];
  const rejected: { status: number; body: string }[] = [];
  const seconds = new Map<number, DrillSecond>();
  const second = (): DrillSecond => {
    const s = Math.floor((Date.now() - startedAt) / 1000);
    let x = seconds.get(s);
    if (!x) seconds.set(s, (x = { sent: 0, accepted: 0, errors: 0 }));
    return x;
  };
  let seq = 0;
  let inFlight = 0;
  let gaveUp = 0;
  let dropped = 0;
  let stopping = false;
  let idle: (() => void) | undefined;

  function finish(): void {
    inFlight--;
    if (stopping && inFlight === 0) idle?.();
  }

  function attempt(n: number, firstAt: number, tries: number): void {
    const edges = o.edges();
    const base = edges[(n + tries) % edges.length]!;
    const body = JSON.stringify({ to: `+4477${String(n % 10_000_000).padStart(7, '0')}`, from: 'DRILL', text: `drill ${o.tag} ${n}`, clientRef: `${o.tag}-${n}` });
    pool(base).request(
      {
        method: 'POST',
        path: '/v1/messages',
        headers: [`authorization: Bearer ${o.apiKey}`, 'content-type: application/json', `idempotency-key: ${o.tag}-${n}`],
        body,
      },
      (err: Error | undefined, res?: HttpResult) => {
        if (!err && res && res.status >= 200 && res.status < 300) {
          accepted.push((JSON.parse(res.body) as { id: string }).id);
          second().accepted++;
          finish();
          return;
        }
        // 409: the same key is still being stored by the attempt before (the API says: retry shortly).
        if (!err && res && res.status !== 503 && res.status !== 409 && res.status < 500) {
          rejected.push({ status: res.status, body: res.body.slice(0, 300) });
          finish();
          return;
        }
        second().errors++;
        if (Date.now() - firstAt > giveUpMs) {
          gaveUp++;
          finish();
          return;
        }
        const retryAfterMs = res?.status === 503 || res?.status === 409 ? 1000 : 200;
        setTimeout(() => attempt(n, firstAt, tries + 1), retryAfterMs);
      },
    );
  }

  // Open model: arrivals on a fixed schedule whatever the answers, as real clients' traffic does.
  let due = 0;
  let last = Date.now();
  const tick = setInterval(() => {
    const now = Date.now();
    due += ((now - last) * o.rate) / 1000;
    last = now;
    while (due >= 1) {
      due--;
      if (inFlight >= maxInFlight) {
        dropped++;
        continue;
      }
      inFlight++;
      second().sent++;
      attempt(seq++, now, 0);
    }
  }, 5);

  return {
    startedAt,
    async stop() {
      clearInterval(tick);
      stopping = true;
      if (inFlight > 0) await new Promise<void>((r) => (idle = r));
      for (const p of pools.values()) p.destroy();
    },
    accepted: () => accepted,
    gaveUp: () => gaveUp,
    dropped: () => dropped,
    rejected: () => rejected,
    seconds: () => seconds,
  };
}
