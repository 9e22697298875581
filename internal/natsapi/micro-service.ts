/**
 * The NATS micro-services protocol (ADR-32), written against nats-core 3.4 directly: endpoints as queue subscriptions
 * (default queue group "q", ours is configurable), discovery and monitoring under $SRV.PING|INFO|STATS[.<name>[.<id>]],
 * and errors as the headers Nats-Service-Error-Code / Nats-Service-Error. `@nats-io/services` does the same, but its
 * only release is a 3.0.0 pre-release built against a pre-release nats-core, not the 3.4.0 pinned here.
 */
import { headers as natsHeaders, nuid, type Msg, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';

export interface EndpointReply {
  data: Uint8Array;
  headers?: Record<string, string> | undefined;
  /** Set for errors: Nats-Service-Error-Code and Nats-Service-Error. */
  error?: { code: number; description: string } | undefined;
  /** The status a success is observed with (the API's 202, 200 …); default 200. */
  status?: number | undefined;
}

export interface Endpoint {
  name: string;
  subject: string;
  handler(msg: Msg): Promise<EndpointReply>;
}

export interface ServiceOptions {
  name: string;
  version: string;
  description: string;
  queue: string;
  metadata?: Record<string, string>;
  endpoints: readonly Endpoint[];
  log: Logger;
  /** Called after each request with its endpoint, the status it got and the seconds it took. */
  observe?: (endpoint: string, status: number, seconds: number) => void;
  /** Replies to unexpected handler failures (a bug): the body a 500 carries. */
  internalError: () => Uint8Array;
}

export interface MicroService {
  readonly id: string;
  stop(): Promise<void>;
}

interface Stats {
  num_requests: number;
  num_errors: number;
  last_error: string;
  processing_time: number;
  average_processing_time: number;
}

const enc = new TextEncoder();

export function startMicroService(nc: NatsConnection, o: ServiceOptions): MicroService {
  const id = nuid.next();
  const started = new Date().toISOString();
  const log = o.log.child({ component: 'nats-api', service: o.name, serviceId: id });
  const stats = new Map<string, Stats>(o.endpoints.map((e) => [e.name, { num_requests: 0, num_errors: 0, last_error: '', processing_time: 0, average_processing_time: 0 }]));
  const base = () => ({ name: o.name, id, version: o.version, metadata: o.metadata ?? {} });
  const endpointInfo = (e: Endpoint) => ({ name: e.name, subject: e.subject, queue_group: o.queue, metadata: {} });

  function respond(m: Msg, r: EndpointReply): void {
    if (!m.reply) return;
    const h = natsHeaders();
    if (r.headers) for (const k in r.headers) h.set(k, r.headers[k]!);
    if (r.error) {
      h.set('Nats-Service-Error-Code', String(r.error.code));
      // A header value is one line of printable text.
      h.set('Nats-Service-Error', r.error.description.replace(/[\r\n]+/g, ' ').slice(0, 1024));
    }
    m.respond(r.data, { headers: h });
  }

  const subs: Subscription[] = [];
  for (const e of o.endpoints) {
    const st = stats.get(e.name)!;
    subs.push(
      nc.subscribe(e.subject, {
        queue: o.queue,
        callback: (err, m) => {
          if (err) return;
          const t0 = performance.now();
          st.num_requests++;
          e.handler(m).then(
            (r) => {
              if (r.error) {
                st.num_errors++;
                st.last_error = `${r.error.code}:${r.error.description}`;
              }
              respond(m, r);
              done(e.name, st, t0, r.error?.code ?? r.status ?? 200);
            },
            (fault: unknown) => {
              st.num_errors++;
              st.last_error = `500:${errorMessage(fault)}`;
              log.error({ endpoint: e.name, err: errorMessage(fault) }, 'unhandled error in a NATS API request');
              respond(m, { data: o.internalError(), error: { code: 500, description: 'An internal error occurred; it has been logged.' } });
              done(e.name, st, t0, 500);
            },
          );
        },
      }),
    );
  }

  function done(name: string, st: Stats, t0: number, status: number): void {
    const s = performance.now() - t0;
    st.processing_time += Math.round(s * 1e6);
    st.average_processing_time = Math.floor(st.processing_time / st.num_requests);
    o.observe?.(name, status, s / 1000);
  }

  const verbs: Record<string, () => unknown> = {
    PING: () => ({ type: 'io.nats.micro.v1.ping_response', ...base() }),
    INFO: () => ({ type: 'io.nats.micro.v1.info_response', ...base(), description: o.description, endpoints: o.endpoints.map(endpointInfo) }),
    STATS: () => ({
      type: 'io.nats.micro.v1.stats_response',
      ...base(),
      started,
      endpoints: o.endpoints.map((e) => ({ ...endpointInfo(e), ...stats.get(e.name)! })),
    }),
  };
  for (const [verb, answer] of Object.entries(verbs)) {
    for (const subject of [`$SRV.${verb}`, `$SRV.${verb}.${o.name}`, `$SRV.${verb}.${o.name}.${id}`]) {
      subs.push(nc.subscribe(subject, { callback: (err, m) => void (err || m.respond(enc.encode(JSON.stringify(answer())))) }));
    }
  }
  log.info({ endpoints: o.endpoints.map((e) => e.subject), queue: o.queue }, 'NATS API serving');

  return {
    id,
    async stop() {
      // Drain: requests already delivered to this process are answered, no new ones come.
      await Promise.all(subs.map((s) => s.drain().catch(() => {})));
    },
  };
}
