import { describe, expect, it } from 'vitest';
import { fakeWorkSource } from '../bus/test-work-source.js';
import { noopLogger } from '../log/logger.js';
import { createInboundRouter } from '../routing/inbound-route.js';
import type { InboundPart } from '../sms/inbound.js';
import { createOptOutClassifier } from '../sms/opt-out-keywords.js';
import { createInboundEffects, type InboundChange } from './inbound-effects.js';
import type { InboundMessage } from './inbound-store.js';
import { startMoWriter } from './mo-writer.js';
import type { OptOutEntry, OptOutWriter } from './opt-outs.js';

let n = 0;
function part(text: string, concat: InboundPart['concat'] = null, from = '+447700900001'): InboundPart {
  return { kind: 'mo', id: `part-${++n}`, carrier: 'uk', from, to: '12345', text, dataCoding: 0, concat, payload: Buffer.from(text, 'latin1').toString('base64'), at: 1_800_000_000_000 + n };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

function rig(o: { failPublishOnce?: boolean; failOptOutOnce?: boolean } = {}) {
  const stored: InboundMessage[] = [];
  const published: { change: InboundChange; msgId: string }[] = [];
  const ops: string[] = [];
  const applied: string[] = [];
  let failOptOut = o.failOptOutOnce ?? false;
  const optOuts: OptOutWriter = {
    async optOut(client: string, e: OptOutEntry) {
      if (failOptOut) {
        failOptOut = false;
        throw new Error('KV away');
      }
      ops.push(`out ${client} ${e.number} ${e.sender ?? '*'}`);
    },
    async optIn(client, number, sender) {
      ops.push(`in ${client} ${number} ${sender}`);
    },
    async remove() {},
  };
  let fail = o.failPublishOnce ?? false;
  const classify = createOptOutClassifier({ keywords: ['STOP', 'STOPALL'], clientWideKeywords: ['STOPALL'], optInKeywords: ['START'] });
  const source = fakeWorkSource<InboundPart>();
  const writer = startMoWriter({
    source,
    store: {
      async record(ms) {
        stored.push(...ms);
      },
    },
    log: noopLogger,
    route: createInboundRouter({ routes: [{ to: '12345', keyword: 'PIZZA', client: 'pizzeria' }, { to: '12345', client: 'shop' }] }),
    afterStore: createInboundEffects({
      optOuts,
      actionOf: (_client, text) => classify(text),
      async publishChange(change, msgId) {
        if (fail) {
          fail = false;
          throw new Error('NATS away');
        }
        published.push({ change, msgId });
      },
      onApplied: (client, action) => applied.push(`${client} ${action.kind}`),
    }),
  });
  return { source, writer, stored, published, ops, applied };
}

describe('MO writer: routing and what follows storing', () => {
  it('gives each joined message its client, publishes one change, and acks the parts only after both', async () => {
    const r = rig();
    const w = await r.writer;
    const p2 = r.source.push(part('please', { ref: 7, total: 2, seq: 2 }));
    const p1 = r.source.push(part('pizza ', { ref: 7, total: 2, seq: 1 }));
    const single = r.source.push(part('hello', null, '+447700900002'));
    await until(() => single.settlement !== undefined);
    expect(r.stored.map((m) => [m.text, m.clientId])).toEqual([
      ['pizza please', 'pizzeria'],
      ['hello', 'shop'],
    ]);
    expect(r.published.map((p) => [p.msgId, p.change.client, p.change.text, p.change.parts])).toEqual([
      [`in-${r.stored[0]!.id}`, 'pizzeria', 'pizza please', 2],
      [`in-${r.stored[1]!.id}`, 'shop', 'hello', 1],
    ]);
    expect(r.published[0]!.change).toMatchObject({ type: 'message.inbound', from: '+447700900001', to: '12345', encoding: 'gsm7', carrier: 'uk' });
    for (const d of [p1, p2, single]) expect(d.settlement).toEqual({ kind: 'ack' });
    await w.stop();
  });

  it('applies opt-out keywords for the routed client: STOP for the number texted, STOPALL for every sender, START', async () => {
    const r = rig();
    const w = await r.writer;
    const last = [part('STOP'), part('stopall', null, '+447700900003'), part('Start', null, '+447700900003')].map((p) => r.source.push(p)).pop()!;
    await until(() => last.settlement !== undefined);
    expect(r.ops).toEqual(['out shop +447700900001 12345', 'out shop +447700900003 *', 'in shop +447700900003 12345']);
    await w.stop();
  });

  it('retries the message when what follows storing fails, and acks it on the retry', async () => {
    const r = rig({ failPublishOnce: true });
    const w = await r.writer;
    const d = r.source.push(part('hello'));
    await until(() => d.settlement !== undefined);
    expect(d.settlement).toEqual({ kind: 'retry', delayMs: 2000 });
    expect(r.published).toEqual([]);
    // JetStream delivers the same part again.
    const again = r.source.push(d.body, { deliveryCount: 2 });
    await until(() => again.settlement !== undefined);
    expect(again.settlement).toEqual({ kind: 'ack' });
    expect(r.published).toHaveLength(1);
    await w.stop();
  });

  it('tells of a keyword once it is written: a failed opt-out write is retried and told once', async () => {
    const r = rig({ failOptOutOnce: true });
    const w = await r.writer;
    const d = r.source.push(part('STOP'));
    await until(() => d.settlement !== undefined);
    expect(d.settlement).toEqual({ kind: 'retry', delayMs: 2000 });
    expect(r.applied).toEqual([]);
    const again = r.source.push(d.body, { deliveryCount: 2 });
    await until(() => again.settlement !== undefined);
    expect(again.settlement).toEqual({ kind: 'ack' });
    expect(r.applied).toEqual(['shop optOut']);
    await w.stop();
  });

  it('stores a message no route matches without a client, and neither publishes nor opts out', async () => {
    const r = rig();
    const w = await r.writer;
    const d = r.source.push({ ...part('STOP'), to: '99999' });
    await until(() => d.settlement !== undefined);
    expect(r.stored.map((m) => m.clientId)).toEqual([null]);
    expect(r.published).toEqual([]);
    expect(r.ops).toEqual([]);
    expect(d.settlement).toEqual({ kind: 'ack' });
    await w.stop();
  });
});
