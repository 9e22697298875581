import { describe, expect, it } from 'vitest';
import { drainCpu, drainCpuText } from './drain-cpu.js';
import type { GroupSample } from './process-stats.js';

const g = (cpuS: number): GroupSample => ({ cpuS, mainCpuS: cpuS, rss: 0, peakRss: 0, hwm: 0, readCalls: undefined, writeCalls: undefined, pids: [1] });

describe('drainCpu', () => {
  it('gives each process its share of a core and its CPU per 1,000 messages over the interval, busiest first', () => {
    const d = drainCpu(
      { at: 10_000, persisted: 1000, groups: { connector: g(2), 'nats-server': g(1) }, machineS: 100 },
      { at: 20_000, persisted: 51_000, groups: { connector: g(11.5), 'nats-server': g(6), postgres: g(3) }, machineS: 119 },
    );
    expect(d.seconds).toBe(10);
    expect(d.persisted).toBe(50_000);
    expect(d.perSecond).toBe(5000);
    expect(d.machinePct).toBe(190);
    expect(d.rows).toEqual([
      { process: 'connector', cpuS: 9.5, corePct: 95, perThousand: 0.19 },
      { process: 'nats-server', cpuS: 5, corePct: 50, perThousand: 0.1 },
      // first seen in the later reading: all of its time is the interval's
      { process: 'postgres', cpuS: 3, corePct: 30, perThousand: 0.06 },
    ]);
    expect(drainCpuText(d)).toBe('machine 190 %; connector 95 %, nats-server 50 %, postgres 30 %');
  });

  it('reports no CPU per message when nothing was persisted, and leaves out idle processes and an unreadable machine', () => {
    const d = drainCpu(
      { at: 0, persisted: 0, groups: {}, machineS: undefined },
      { at: 5000, persisted: 0, groups: { connector: g(0.1), loadgen: g(0) }, machineS: 3 },
    );
    expect(d.perSecond).toBe(0);
    expect(d.machinePct).toBeUndefined();
    expect(d.rows.map((r) => r.perThousand)).toEqual([0, 0]);
    expect(drainCpuText(d)).toBe('no process busy');
  });
});
