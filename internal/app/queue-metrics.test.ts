import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Poller } from '../bus/queue-readings.js';
import { startQueueMetrics } from './queue-metrics.js';
import type { Runtime } from './runtime.js';

const until = async (cond: () => Promise<boolean>, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const readings: Record<string, { num_pending: number; num_ack_pending: number; num_redelivered: number }> = {
  'SMS_MT/connector-uk': { num_pending: 7, num_ack_pending: 3, num_redelivered: 1 },
  'SMS_CHANGES/callbacks': { num_pending: 40, num_ack_pending: 12, num_redelivered: 5 },
};

function runtime(callbacks: { enabled?: boolean; callbackUrl?: string }, asked: string[]): Pick<Runtime, 'registry' | 'config' | 'bus'> {
  const jsm = {
    consumers: {
      info: async (stream: string, durable: string) => {
        asked.push(`${stream}/${durable}`);
        return readings[`${stream}/${durable}`];
      },
    },
  };
  return {
    registry: new Registry(),
    config: {
      carriers: [{ id: 'uk' }],
      callbacks: { enabled: callbacks.enabled },
      clients: [{ id: 'acme', callbackUrl: callbacks.callbackUrl, callbackEvents: 'final' }],
    },
    bus: { jsm },
  } as unknown as Pick<Runtime, 'registry' | 'config' | 'bus'>;
}

const value = async (r: Registry, name: string): Promise<number | undefined> => (await r.getSingleMetric(name)?.get())?.values[0]?.value;

let poller: Poller | undefined;
afterEach(() => poller?.stop());

describe('queue metrics of an edge', () => {
  it('reads the callbacks consumer in the same loop as the carriers when callbacks are on', async () => {
    const asked: string[] = [];
    const rt = runtime({ callbackUrl: 'https://acme.example/cb' }, asked);
    poller = startQueueMetrics(rt, 5);
    await until(async () => (await value(rt.registry, 'smsmesh_callback_backlog_messages')) === 40);
    expect(await value(rt.registry, 'smsmesh_callback_ack_pending_messages')).toBe(12);
    expect(await value(rt.registry, 'smsmesh_carrier_backlog_messages')).toBe(7);
    expect(asked.slice(0, 2)).toEqual(['SMS_MT/connector-uk', 'SMS_CHANGES/callbacks']);
  });

  it('exports no callback backlog where callbacks are off: nobody would take it', async () => {
    const asked: string[] = [];
    const rt = runtime({ enabled: false, callbackUrl: 'https://acme.example/cb' }, asked);
    poller = startQueueMetrics(rt, 5);
    await until(async () => (await value(rt.registry, 'smsmesh_carrier_backlog_messages')) === 7);
    expect(rt.registry.getSingleMetric('smsmesh_callback_backlog_messages')).toBeUndefined();
    expect(rt.registry.getSingleMetric('smsmesh_callback_ack_pending_messages')).toBeUndefined();
    expect(asked.every((c) => c.startsWith('SMS_MT/'))).toBe(true);
  });
});
