/**
 * `make bench --callbacks`: the receiver of the bench client's callbacks, in the bench process. It answers 200 at
 * once and counts: callbacks, distinct webhook-ids, the busiest second, and the latency from the state's time in
 * the payload (`at`: the final receipt's arrival at the gateway) to the callback's arrival here.
 */
import { createServer } from 'node:http';

export interface CallbackCounter {
  url: string;
  summary(): string;
  close(): Promise<void>;
}

export async function startCallbackCounter(): Promise<CallbackCounter> {
  const ids = new Set<string>();
  const latencies: number[] = [];
  const perSecond = new Map<number, number>();
  let received = 0;
  let first = 0;
  let last = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200).end();
      const now = Date.now();
      received++;
      first ||= now;
      last = now;
      const s = Math.floor(now / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
      ids.add(String(req.headers['webhook-id']));
      try {
        const at = Date.parse((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { at: string }).at);
        if (Number.isFinite(at)) latencies.push(now - at);
      } catch {
        // counted, without a latency
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const q = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]! : NaN);
  return {
    url: `http://127.0.0.1:${port}/callbacks`,
    summary() {
      const sorted = [...latencies].sort((a, b) => a - b);
      const span = Math.max(1, (last - first) / 1000);
      const peak = Math.max(0, ...perSecond.values());
      return (
        `${received} received (${ids.size} distinct webhook-ids) over ${span.toFixed(0)} s: ${(received / span).toFixed(0)}/s on average, ${peak}/s in the busiest second; ` +
        `final receipt → callback p50 ${q(sorted, 0.5)} ms, p99 ${q(sorted, 0.99)} ms, max ${sorted[sorted.length - 1] ?? NaN} ms`
      );
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
