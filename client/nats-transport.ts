/** The client over NATS: requests to sms.api.v1.<op> (any edge in the queue group answers). */
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import type { Answer, Call, Transport } from './transport.js';

export interface NatsOptions {
  /** A connection your service already has (@nats-io/transport-node connect()). */
  connection: NatsConnection;
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function natsTransport(o: NatsOptions): Transport {
  return {
    async call(apiKey, c: Call): Promise<Answer> {
      const h = natsHeaders();
      h.set('Authorization', `Bearer ${apiKey}`);
      if (c.idempotencyKey !== undefined) h.set('Idempotency-Key', c.idempotencyKey);
      if (c.dryRun) h.set('Smsmesh-Dry-Run', 'true');
      let m;
      try {
        m = await o.connection.request(`sms.api.v1.${c.op}`, enc.encode(JSON.stringify(c.body)), { headers: h, timeout: o.timeoutMs ?? 10_000 });
      } catch (err) {
        // No edge is serving (or none answered in time): the same 503 an HTTP load balancer would give.
        const detail = err instanceof Error ? err.message : String(err);
        return { status: 503, body: { type: 'urn:smsmesh:problem:unavailable', title: 'Service unavailable', status: 503, detail: `No smsmesh edge answered: ${detail}` }, retryAfterS: 1 };
      }
      const code = m.headers?.get('Nats-Service-Error-Code') || m.headers?.get('Smsmesh-Status') || '200';
      const retry = m.headers?.get('Retry-After');
      return { status: Number(code), body: m.data.length > 0 ? (JSON.parse(dec.decode(m.data)) as unknown) : null, retryAfterS: retry ? Number(retry) : undefined };
    },
  };
}
