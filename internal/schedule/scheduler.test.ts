import { describe, expect, it } from 'vitest';
import { fakeWorkSource } from '../bus/test-work-source.js';
import type { Publisher } from '../bus/publisher.js';
import { fakeClock } from '../core/clock.js';
import { noopLogger } from '../log/logger.js';
import type { FailedEvent } from '../sms/events.js';
import type { MtMessage } from '../sms/message.js';
import { nextStep, startScheduler } from './scheduler.js';

const mt = (o: Partial<MtMessage> = {}): MtMessage => ({
  id: 'm1', clientId: 'c', carrier: 'acme', to: '+447700900123', from: 'ACME', text: 'hi', encoding: 'gsm7', segments: 1, acceptedAt: 0, ...o,
});

describe('nextStep', () => {
  it('waits until due, at most one recheck at a time', () => {
    expect(nextStep(mt({ sendAt: 5000 }), 1000, false, 600_000)).toEqual({ kind: 'wait', delayMs: 4000 });
    expect(nextStep(mt({ sendAt: 10_000_000 }), 0, false, 600_000)).toEqual({ kind: 'wait', delayMs: 600_000 });
  });
  it('releases when due, and never what is canceled or past its validity', () => {
    expect(nextStep(mt({ sendAt: 1000 }), 1000, false, 600_000)).toEqual({ kind: 'release' });
    expect(nextStep(mt({ sendAt: 9e12 }), 1000, true, 600_000)).toEqual({ kind: 'cancel' });
    expect(nextStep(mt({ sendAt: 1000, validUntil: 900 }), 1000, false, 600_000)).toEqual({ kind: 'expire' });
    expect(nextStep(mt({ sendAt: 1000, validUntil: 1001 }), 1000, false, 600_000)).toEqual({ kind: 'release' });
  });
});

describe('scheduler', () => {
  function setup(canceled = new Set<string>(), failPublish = false) {
    const source = fakeWorkSource<MtMessage>();
    const published: { subject: string; msgID: string }[] = [];
    const finals: FailedEvent[] = [];
    const publisher: Publisher = {
      async publish(subject, _data, o) {
        if (failPublish) throw new Error('down');
        published.push({ subject, msgID: o.msgID });
        return { stream: 'SMS_MT', seq: published.length, duplicate: false };
      },
    };
    const clock = fakeClock(1_000_000);
    const s = startScheduler({
      source, publisher, canceled, clock, recheckMs: 600_000, publishDeadlineMs: 1000, log: noopLogger,
      publishFinal: async (ev) => void finals.push(ev),
    });
    return { source, published, finals, s };
  }
  const turn = () => new Promise((r) => setImmediate(r));

  it('hands back what is not due, releases what is, under its id, to its carrier queue', async () => {
    const { source, published, s } = setup();
    const early = source.push(mt({ id: 'early', sendAt: 1_003_000 }));
    const due = source.push(mt({ id: 'due', sendAt: 999_000 }));
    await turn();
    await turn();
    expect(early.settlement).toEqual({ kind: 'retry', delayMs: 3000 });
    expect(due.settlement).toEqual({ kind: 'ack' });
    // Released under its id, then recorded as accepted (no longer scheduled).
    expect(published).toEqual([
      { subject: 'sms.mt.acme', msgID: 'due' },
      { subject: 'sms.evt.accepted', msgID: '' },
    ]);
    await s.stop();
  });

  it('records canceled and expired messages as final and never releases them', async () => {
    const { source, published, finals, s } = setup(new Set(['gone']));
    const gone = source.push(mt({ id: 'gone', sendAt: 2_000_000 }));
    const stale = source.push(mt({ id: 'stale', sendAt: 999_000, validUntil: 999_500 }));
    await turn();
    await turn();
    expect(gone.settlement).toEqual({ kind: 'ack' });
    expect(stale.settlement).toEqual({ kind: 'ack' });
    expect(finals.map((f) => [f.id, f.status])).toEqual([['gone', 'canceled'], ['stale', 'expired']]);
    expect(published).toEqual([]);
    await s.stop();
  });

  it('retries a release that could not be stored', async () => {
    const { source, s } = setup(new Set(), true);
    const due = source.push(mt({ id: 'due', sendAt: 1 }));
    await turn();
    await turn();
    expect(due.settlement).toEqual({ kind: 'retry', delayMs: 1000 });
    await s.stop();
  });
});
