/**
 * The MO writer: consumes inbound parts (SMS_MO), joins concatenated ones (UDH or SAR, any order,
 * duplicates ignored), decodes the joined bytes once (so a character split across parts survives),
 * and stores whole messages. Parts are acked only after their message is stored, so a crash loses
 * nothing: JetStream redelivers the held parts. A group still incomplete after `ttlMs` is stored with
 * the parts that came, and logged.
 */
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { errorMessage } from '../core/errors.js';
import { decodeByDataCoding } from '../sms/decode.js';
import type { Logger } from '../log/logger.js';
import type { InboundPart } from '../sms/inbound.js';
import { createReassembler } from '../sms/reassemble.js';
import type { InboundMessage, InboundStore } from './inbound-store.js';

interface Held {
  msgs: JsMsg[];
  parts: InboundPart[];
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
  };
}

export async function startMoWriter(o: { consumer: Consumer; store: InboundStore; log: Logger; ttlMs?: number }): Promise<MoWriter> {
  const log = o.log.child({ component: 'mo-writer' });
  const ttlMs = o.ttlMs ?? 5 * 60_000;
  const reassembler = createReassembler({ ttlMs, maxPending: 10_000 });
  const held = new Map<string, Held>();
  const iter: ConsumerMessages = await o.consumer.consume({ max_messages: 500 });

  async function store(msg: InboundMessage, msgs: JsMsg[]): Promise<void> {
    try {
      await o.store.record([msg]);
      for (const m of msgs) m.ack();
    } catch (err) {
      log.error({ err: errorMessage(err), moId: msg.id }, 'could not store inbound message; will retry');
      for (const m of msgs) m.nak(2000);
    }
  }

  // Held parts are kept alive at the server and expired groups are stored as they are.
  const sweeper = setInterval(() => {
    for (const h of held.values()) for (const m of h.msgs) m.working();
    for (const d of reassembler.sweep(Date.now())) {
      const id = `${d.key}|${d.ref}|${d.total}`;
      const h = held.get(id);
      held.delete(id);
      if (!h) continue;
      const seen = new Map(h.parts.map((p) => [p.concat?.seq ?? 1, p]));
      log.warn({ key: d.key, ref: d.ref, total: d.total, received: d.received, reason: d.reason }, 'inbound message incomplete; storing the parts received');
      void store(assemble([...seen.values()], seen.size), h.msgs);
    }
  }, 10_000);
  sweeper.unref();

  const loop = (async () => {
    for await (const m of iter) {
      let p: InboundPart;
      try {
        p = m.json<InboundPart>();
        if (p.kind !== 'mo' || typeof p.payload !== 'string') throw new Error('not an inbound part');
      } catch (err) {
        log.error({ seq: m.seq, err: errorMessage(err) }, 'undecodable inbound part terminated');
        m.term('undecodable');
        continue;
      }
      if (!p.concat || p.concat.total <= 1) {
        await store(assemble([p], 1), [m]);
        continue;
      }
      const id = `${groupKey(p)}|${p.concat.ref}|${p.concat.total}`;
      let h = held.get(id);
      if (!h) held.set(id, (h = { msgs: [], parts: [] }));
      h.msgs.push(m);
      h.parts.push(p);
      const r = reassembler.add(groupKey(p), { ...p.concat, bytes: Buffer.from(p.payload, 'base64'), dataCoding: p.dataCoding }, Date.now());
      if (r.complete) {
        held.delete(id);
        const unique = new Map(h.parts.map((x) => [x.concat?.seq ?? 1, x]));
        await store(assemble([...unique.values()], unique.size), h.msgs);
      }
    }
  })().catch((err) => log.error({ err: errorMessage(err) }, 'inbound consumer stopped'));

  return {
    async stop() {
      clearInterval(sweeper);
      await iter.close();
      await loop;
    },
  };
}
