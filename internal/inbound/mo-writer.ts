/**
 * The MO writer: consumes inbound parts (SMS_MO), joins concatenated ones (UDH or SAR, any order,
 * duplicates ignored), decodes the joined bytes once (so a character split across parts survives),
 * and stores whole messages. Parts are acked only after their message is stored, so a crash loses
 * nothing: JetStream redelivers the held parts. A group still incomplete after `ttlMs` is stored with
 * the parts that came, and logged. Each whole message is given its client by the inbound routes before it is stored,
 * and `afterStore` (opt-out keywords, the message.inbound change) runs before the parts are acked: a failure there
 * retries the whole message, which storing again leaves as it is.
 */
import type { JsMsg } from '@nats-io/jetstream';
import { CodecError } from '../bus/codec.js';
import type { Delivery, WorkSource } from '../bus/delivery.js';
import { systemClock, type Cancel, type Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { decodeByDataCoding } from '../sms/decode.js';
import type { Logger } from '../log/logger.js';
import type { InboundPart } from '../sms/inbound.js';
import { createReassembler } from '../sms/reassemble.js';
import type { InboundMessage, InboundStore } from './inbound-store.js';

interface Held {
  msgs: Delivery<InboundPart>[];
  parts: InboundPart[];
}

/** Reads an inbound part as the connector stored it; CodecError when it is not one. */
export function decodeInboundPart(m: Pick<JsMsg, 'json'>): InboundPart {
  let p: InboundPart;
  try {
    p = m.json<InboundPart>();
  } catch {
    throw new CodecError('inbound part is not JSON');
  }
  if (!p || p.kind !== 'mo' || typeof p.payload !== 'string') throw new CodecError('not an inbound part');
  return p;
}

export interface MoWriter {
  stop(): Promise<void>;
}

function groupKey(p: InboundPart): string {
  return `${p.carrier}|${p.from}|${p.to}`;
}

/** Joins parts in order and decodes them as one text. */
export function assemble(parts: readonly InboundPart[], received: number): InboundMessage {
  const sorted = [...parts].sort((a, b) => (a.concat?.seq ?? 1) - (b.concat?.seq ?? 1));
  const first = sorted[0]!;
  const bytes = Buffer.concat(sorted.map((p) => Buffer.from(p.payload, 'base64')));
  return {
    id: first.id,
    carrier: first.carrier,
    from: first.from,
    to: first.to,
    text: decodeByDataCoding(bytes, first.dataCoding),
    dataCoding: first.dataCoding,
    parts: received,
    receivedAt: Math.max(...sorted.map((p) => p.at)),
    clientId: null,
  };
}

export async function startMoWriter(o: {
  source: WorkSource<InboundPart>;
  store: InboundStore;
  log: Logger;
  /** The client of a whole message (inbound routes); none: stored without a client. */
  route?: (mo: { to: string; text: string }) => string | undefined;
  /** Runs once the message is stored and before its parts are acked; must be idempotent (it may run again). */
  afterStore?: (msg: InboundMessage) => Promise<void>;
  ttlMs?: number;
  clock?: Clock;
}): Promise<MoWriter> {
  const log = o.log.child({ component: 'mo-writer' });
  const clock = o.clock ?? systemClock;
  const ttlMs = o.ttlMs ?? 5 * 60_000;
  const reassembler = createReassembler({ ttlMs, maxPending: 10_000 });
  const held = new Map<string, Held>();

  async function store(joined: InboundMessage, msgs: Delivery<InboundPart>[]): Promise<void> {
    const msg: InboundMessage = { ...joined, clientId: o.route?.(joined) ?? null };
    try {
      await o.store.record([msg]);
      await o.afterStore?.(msg);
      for (const m of msgs) m.settle({ kind: 'ack' });
    } catch (err) {
      log.error({ err: errorMessage(err), moId: msg.id }, 'could not store inbound message; will retry');
      for (const m of msgs) m.settle({ kind: 'retry', delayMs: 2000 });
    }
  }

  // Held parts are kept alive at the server and expired groups are stored as they are.
  let cancelSweep: Cancel = clock.setTimer(10_000, sweep, { unref: true });
  function sweep(): void {
    cancelSweep = clock.setTimer(10_000, sweep, { unref: true });
    for (const h of held.values()) for (const m of h.msgs) m.inProgress();
    for (const d of reassembler.sweep(clock.now())) {
      const id = `${d.key}|${d.ref}|${d.total}`;
      const h = held.get(id);
      held.delete(id);
      if (!h) continue;
      const seen = new Map(h.parts.map((p) => [p.concat?.seq ?? 1, p]));
      log.warn({ key: d.key, ref: d.ref, total: d.total, received: d.received, reason: d.reason }, 'inbound message incomplete; storing the parts received');
      void store(assemble([...seen.values()], seen.size), h.msgs);
    }
  }

  const pull = o.source.consume(500, async (m) => {
    const p = m.body;
    if (!p.concat || p.concat.total <= 1) {
      await store(assemble([p], 1), [m]);
      return;
    }
    const id = `${groupKey(p)}|${p.concat.ref}|${p.concat.total}`;
    let h = held.get(id);
    if (!h) held.set(id, (h = { msgs: [], parts: [] }));
    h.msgs.push(m);
    h.parts.push(p);
    const r = reassembler.add(groupKey(p), { ...p.concat, bytes: Buffer.from(p.payload, 'base64'), dataCoding: p.dataCoding }, clock.now());
    if (r.complete) {
      held.delete(id);
      const unique = new Map(h.parts.map((x) => [x.concat?.seq ?? 1, x]));
      await store(assemble([...unique.values()], unique.size), h.msgs);
    }
  });
  const loop = pull.done.catch((err) => log.error({ err: errorMessage(err) }, 'inbound consumer stopped'));

  return {
    async stop() {
      cancelSweep();
      await pull.close();
      await loop;
    },
  };
}
