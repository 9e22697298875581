import type { JetStreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { pollConsumers, pollStream, type ConsumerReading, type StreamReading } from './queue-readings.js';

const until = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('queue readings', () => {
  it('reads every consumer in turn, keeps going past a failed read, and stops', async () => {
    let calls = 0;
    const jsm = {
      consumers: {
        info: async (stream: string, durable: string) => {
          calls++;
          if (durable === 'connector-fr' && calls <= 2) throw new Error('consumer not found');
          return { stream_name: stream, num_pending: calls, num_ack_pending: 2, num_redelivered: 1 };
        },
      },
    } as unknown as Pick<JetStreamManager, 'consumers'>;
    const seen: [string, ConsumerReading][] = [];
    const consumers = [
      { stream: 'SMS_MT', durable: 'connector-uk' },
      { stream: 'SMS_MT', durable: 'connector-fr' },
      { stream: 'SMS_CHANGES', durable: 'callbacks' },
    ];
    const p = pollConsumers({ jsm, consumers, everyMs: 5, onReading: (c, r) => seen.push([`${c.stream}/${c.durable}`, r]) });
    await until(() => seen.some(([d]) => d === 'SMS_MT/connector-fr'));
    p.stop();
    const n = calls;
    expect(seen[0]).toEqual(['SMS_MT/connector-uk', { pending: 1, ackPending: 2, redelivered: 1 }]);
    expect(seen[1]).toEqual(['SMS_CHANGES/callbacks', { pending: 3, ackPending: 2, redelivered: 1 }]);
    expect(seen.filter(([d]) => d === 'SMS_MT/connector-uk').length).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toBeLessThanOrEqual(n + 3);
  });

  it('reports a stream\'s oldest message time, and none when it is empty', async () => {
    const states = [
      { messages: 3, first_ts: '2026-12-03T03:00:00.000Z' },
      { messages: 0, first_ts: '0001-01-01T00:00:00Z' },
    ];
    let i = 0;
    const jsm = { streams: { info: async () => ({ state: states[Math.min(i++, 1)] }) } } as unknown as Pick<JetStreamManager, 'streams'>;
    const seen: StreamReading[] = [];
    const p = pollStream({ jsm, stream: 'SMS_EVENTS', everyMs: 5, onReading: (r) => seen.push(r) });
    await until(() => seen.length >= 2);
    p.stop();
    expect(seen[0]).toEqual({ messages: 3, oldestAt: Date.parse('2026-12-03T03:00:00.000Z') });
    expect(seen[1]).toEqual({ messages: 0, oldestAt: undefined });
  });
});
