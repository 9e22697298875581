import { describe, expect, it } from 'vitest';
import { decodeEvents } from '../bus/codec.js';
import { noopLogger } from '../log/logger.js';
import type { AcceptedEvent } from '../sms/events.js';
import type { MtMessage } from '../sms/message.js';
import { createAcceptedRecords } from './accepted-records.js';

const mt = (n: number): MtMessage => ({
  id: `m-${n}`,
  clientId: 'client-a',
  carrier: 'uk',
  to: '+447700900123',
  from: 'ACME',
  text: 'secret text',
  encoding: 'gsm7',
  segments: 1,
  acceptedAt: 1_700_000_000_000 + n,
});

const tick = () => new Promise((r) => setImmediate(r));

describe('accepted records', () => {
  it('sends the records of one turn in bus messages of at most maxPerMessage, without the text', async () => {
    const sent: AcceptedEvent[][] = [];
    const r = createAcceptedRecords({ publish: async (d) => void sent.push(decodeEvents(d) as AcceptedEvent[]), log: noopLogger, maxPerMessage: 100 });
    for (let i = 0; i < 250; i++) r.record(mt(i), i === 0);
    await r.close(1000);
    expect(sent.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(sent.flat().map((e) => e.message.id)).toEqual(Array.from({ length: 250 }, (_, i) => `m-${i}`));
    expect(sent[0]![0]).toEqual({ kind: 'accepted', message: { ...mt(0), text: undefined }, scheduled: true });
    expect(JSON.stringify(sent)).not.toContain('secret text');
    expect(r.pending).toBe(0);
  });

  it('retries records whose publish failed, and sends them once the bus takes them', async () => {
    const sent: string[] = [];
    let up = false;
    const r = createAcceptedRecords({
      publish: async (d) => {
        if (!up) throw new Error('NATS is not connected');
        for (const e of decodeEvents(d)) sent.push((e as AcceptedEvent).message.id);
      },
      log: noopLogger,
      retryDelayMs: 20,
    });
    r.record(mt(1), false);
    r.record(mt(2), false);
    await new Promise((res) => setTimeout(res, 60));
    expect(sent).toEqual([]);
    expect(r.pending).toBe(2);
    up = true;
    await new Promise((res) => setTimeout(res, 60));
    expect(sent.sort()).toEqual(['m-1', 'm-2']);
    expect(r.pending).toBe(0);
    await r.close(100);
  });

  it('holds at most maxPending and counts what it drops, here and at close', async () => {
    let dropped = 0;
    const r = createAcceptedRecords({
      publish: () => Promise.reject(new Error('down')),
      log: noopLogger,
      maxPending: 3,
      retryDelayMs: 10,
      onDropped: (n) => (dropped += n),
    });
    for (let i = 0; i < 5; i++) r.record(mt(i), false);
    await tick();
    expect(r.pending).toBe(3);
    expect(dropped).toBe(2);
    await r.close(50);
    expect(dropped).toBe(5);
  });
});
