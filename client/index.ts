/**
 * The typed smsmesh client (`import { SmsmeshClient } from 'smsmesh/client'`): send, batch, get, list and cancel (and
 * inbound messages and the opt-out list) over
 * HTTP or over NATS with the same calls and results; every error answer is thrown as a SmsmeshError with its problem.
 */
import { SmsmeshError } from './errors.js';
import { httpTransport, type HttpOptions } from './http-transport.js';
import { natsTransport, type NatsOptions } from './nats-transport.js';
import type { Call, Transport } from './transport.js';
import type { Accepted, BatchItem, BatchResult, CancelResult, DryRun, InboundPage, InboundQuery, ListQuery, MessagePage, MessageView, OptOut, Problem, SendRequest } from './types.js';

export { SmsmeshError } from './errors.js';
export { isProblem } from './types.js';
export type * from './types.js';

export type SmsmeshClientOptions = { apiKey: string } & ({ http: HttpOptions; nats?: never } | { nats: NatsOptions; http?: never });

const iso = (d: string | Date | undefined) => (d instanceof Date ? d.toISOString() : d);

function wire<T extends SendRequest>(m: T): Omit<T, 'sendAt'> & { sendAt?: string } {
  const { sendAt, ...rest } = m;
  return sendAt === undefined ? rest : { ...rest, sendAt: iso(sendAt)! };
}

export class SmsmeshClient {
  readonly #apiKey: string;
  readonly #t: Transport;

  constructor(o: SmsmeshClientOptions) {
    this.#apiKey = o.apiKey;
    this.#t = o.http ? httpTransport(o.http) : natsTransport(o.nats!);
  }

  async #call<T>(c: Call): Promise<T> {
    const a = await this.#t.call(this.#apiKey, c);
    if (a.status >= 400) throw new SmsmeshError(a.body as Problem, a.retryAfterS);
    return a.body as T;
  }

  /** Sends one SMS; resolves once it is durably stored. With an idempotencyKey a retry never sends twice. */
  send(m: SendRequest, o: { idempotencyKey?: string } = {}): Promise<Accepted> {
    return this.#call({ op: 'send', body: wire(m), idempotencyKey: o.idempotencyKey });
  }

  /** What send would do (route, encoding, segments), without sending. */
  dryRun(m: SendRequest): Promise<DryRun> {
    return this.#call({ op: 'send', body: wire(m), dryRun: true });
  }

  /** Up to api.maxBatchSize messages; one result per message, in order (a Problem for each refused one). */
  async batch(messages: readonly BatchItem[], o: { dryRun?: boolean } = {}): Promise<BatchResult[]> {
    const r = await this.#call<{ results: BatchResult[] }>({ op: 'batch', body: { messages: messages.map(wire) }, dryRun: o.dryRun });
    return r.results;
  }

  get(id: string): Promise<MessageView> {
    return this.#call({ op: 'get', body: { id } });
  }

  /** One page, newest first; pass nextCursor back as cursor for the next. */
  list(q: ListQuery = {}): Promise<MessagePage> {
    return this.#call({ op: 'list', body: { ...q, since: iso(q.since), until: iso(q.until) } });
  }

  /** Cancels a message not yet submitted (a SmsmeshError with status 409 when it is too late). */
  cancel(id: string): Promise<CancelResult> {
    return this.#call({ op: 'cancel', body: { id } });
  }

  /** One page of your inbound (MO) messages, newest first; pass nextCursor back as cursor for the next. */
  inbound(q: InboundQuery = {}): Promise<InboundPage> {
    return this.#call({ op: 'inbound', body: { ...q, since: iso(q.since), until: iso(q.until) } });
  }

  /** Your opt-out list. */
  async optOuts(): Promise<OptOut[]> {
    return (await this.#call<{ optOuts: OptOut[] }>({ op: 'optouts', body: {} })).optOuts;
  }

  /** Puts a number on your opt-out list, for one sender or (without it) every sender. */
  addOptOut(o: { number: string; sender?: string }): Promise<OptOut> {
    return this.#call({ op: 'optouts.add', body: o });
  }

  /** Takes a number off your opt-out list (every sender); a SmsmeshError with status 404 when it is not on it. */
  removeOptOut(number: string): Promise<{ number: string; removed: number }> {
    return this.#call({ op: 'optouts.remove', body: { number } });
  }
}
