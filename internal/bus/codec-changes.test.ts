import { describe, expect, it } from 'vitest';
import type { StatusEvent } from '../sms/events.js';
import { CodecError } from './codec.js';
import { decodeChanges, decodeInboundChange, decodeJob, encodeChanges, encodeJob, encodeInboundChange } from './codec-changes.js';

const ev = (i: number): StatusEvent[] => [
  { kind: 'accepted', message: { id: `a${i}`, clientId: 'c', carrier: 'k', to: '+447700900001', from: 'X', encoding: 'gsm7', segments: 1, acceptedAt: 1 } },
  { kind: 'submitted', id: `m${i}`, carrier: 'k', part: 1, parts: 2, smscMessageId: `s${i}`, at: 2 },
  { kind: 'submitted', id: `m${i}`, carrier: 'k', part: 2, parts: 2, smscMessageId: `t${i}`, at: 2 },
  { kind: 'receipt', carrier: 'k', smscMessageId: `s${i}`, status: null, stat: 'ENROUTE', err: null, doneAt: null, at: 3 },
  { kind: 'receipt', carrier: 'k', smscMessageId: `s${i}`, status: 'delivered', stat: 'DELIVRD', err: '000', doneAt: null, at: 4 },
  { kind: 'failed', id: `f${i}`, carrier: 'k', status: 'rejected', error: 'x', at: 5 },
];

describe('SMS_CHANGES codec', () => {
  it('forwards only final changes in scope "final": final receipts and verdicts, never accepted records or submits', () => {
    const [one] = encodeChanges(ev(1), 'final');
    expect(decodeChanges(one!)).toEqual([
      { k: 'r', c: 'k', x: 's1', st: 'delivered', stat: 'DELIVRD', err: '000', at: 4 },
      { k: 'f', id: 'f1', st: 'rejected', at: 5 },
    ]);
  });

  it('adds part 1 submits and intermediate receipts in scope "all"', () => {
    const [one] = encodeChanges(ev(1), 'all');
    expect(decodeChanges(one!).map((c) => c.k)).toEqual(['s', 'r', 'r', 'f']);
  });

  it('is one message per batch, split only past the size bound, losing nothing', () => {
    const events = Array.from({ length: 400 }, (_, i) => ev(i)).flat();
    expect(encodeChanges(events, 'all')).toHaveLength(1);
    const small = encodeChanges(events, 'all', 4000);
    expect(small.length).toBeGreaterThan(5);
    for (const m of small) expect(m.length).toBeLessThanOrEqual(4000);
    expect(small.flatMap((m) => decodeChanges(m))).toEqual(decodeChanges(encodeChanges(events, 'all')[0]!));
    expect(encodeChanges([ev(1)[0]!], 'all')).toEqual([]);
  });

  it('refuses what it cannot read', () => {
    const enc = new TextEncoder();
    expect(() => decodeChanges(enc.encode('nope'))).toThrow(CodecError);
    expect(() => decodeChanges(enc.encode('[{"k":"s"}]'))).toThrow(CodecError);
    expect(() => decodeInboundChange(enc.encode('{"type":"message.status"}'))).toThrow(CodecError);
    expect(() => decodeJob(enc.encode('{"wid":1}'))).toThrow(CodecError);
  });

  it('round-trips inbound changes and callbacks', () => {
    const m = { type: 'message.inbound' as const, client: 'c', id: 'i', from: '+1', to: '+2', text: 'hi', encoding: 'gsm7', parts: 1, carrier: 'k', receivedAt: '2026-12-03T00:00:00.000Z' };
    expect(decodeInboundChange(encodeInboundChange(m))).toEqual(m);
    const j = { wid: 'msg_x', client: 'c', url: 'http://h/', body: '{}', attempts: 0, due: 1, made: 1, ref: 'x', type: 'message.status' as const };
    expect(decodeJob(encodeJob(j))).toEqual(j);
  });
});
