/** The client over HTTP (fetch): POST/GET/DELETE on /v1/messages, /v1/inbound and /v1/opt-outs. */
import type { Answer, Call, Transport } from './transport.js';

export interface HttpOptions {
  /** e.g. "http://smsmesh.internal:8080" */
  baseUrl: string;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function httpTransport(o: HttpOptions): Transport {
  const base = o.baseUrl.replace(/\/+$/, '');
  const doFetch = o.fetch ?? fetch;
  return {
    async call(apiKey, c: Call): Promise<Answer> {
      const headers: Record<string, string> = { Authorization: `Bearer ${apiKey}` };
      let method = 'GET';
      let url = `${base}/v1/messages`;
      let body: string | undefined;
      const dry = c.dryRun ? '?dryRun=true' : '';
      switch (c.op) {
        case 'send':
        case 'batch':
          method = 'POST';
          if (c.op === 'batch') url += '/batch';
          url += dry;
          body = JSON.stringify(c.body);
          headers['Content-Type'] = 'application/json';
          if (c.idempotencyKey !== undefined) headers['Idempotency-Key'] = c.idempotencyKey;
          break;
        case 'get':
        case 'cancel':
          url += `/${encodeURIComponent((c.body as { id: string }).id)}`;
          if (c.op === 'cancel') method = 'DELETE';
          break;
        case 'optouts':
          url = `${base}/v1/opt-outs`;
          break;
        case 'optouts.add':
          method = 'POST';
          url = `${base}/v1/opt-outs`;
          body = JSON.stringify(c.body);
          headers['Content-Type'] = 'application/json';
          break;
        case 'optouts.remove':
          method = 'DELETE';
          url = `${base}/v1/opt-outs/${encodeURIComponent((c.body as { number: string }).number)}`;
          break;
        case 'inbound':
        case 'list': {
          if (c.op === 'inbound') url = `${base}/v1/inbound`;
          const q = new URLSearchParams();
          for (const [k, v] of Object.entries(c.body as Record<string, unknown>)) if (v !== undefined) q.set(k, String(v));
          const s = q.toString();
          if (s) url += `?${s}`;
          break;
        }
      }
      const r = await doFetch(url, { method, headers, body, signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
      const text = await r.text();
      const retry = r.headers.get('retry-after');
      return { status: r.status, body: text ? (JSON.parse(text) as unknown) : null, retryAfterS: retry ? Number(retry) : undefined };
    },
  };
}
