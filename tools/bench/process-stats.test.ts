import { describe, expect, it } from 'vitest';
import { clockTicksPerSecond, CpuMeter, machineBusySeconds, memoryOf, parseStatTicks, parseStatusKb, slope } from './process-stats.js';

describe('process-stats', () => {
  it('reads utime+stime past a comm with spaces and parentheses', () => {
    const line = '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 1234 0 0 0 750 125 0 0 20 0 11 0 99 1 2 3';
    expect(parseStatTicks(line)).toBe(875);
  });

  it('reads kB lines of /proc/<pid>/status', () => {
    const s = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
    expect(parseStatusKb(s, 'VmHWM')).toBe(204800 * 1024);
    expect(parseStatusKb(s, 'VmRSS')).toBe(102400 * 1024);
    expect(parseStatusKb(s, 'VmSwap')).toBeUndefined();
  });

  it('samples this very process', async () => {
    const meter = new CpuMeter();
    meter.add('self', () => [process.pid]);
    await meter.reset();
    let x = 0;
    const until = Date.now() + 60;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    const s = (await meter.sample()).self!;
    expect(s.cpuS).toBeGreaterThanOrEqual(0);
    expect(s.rss).toBeGreaterThan(1024 * 1024);
    expect(s.hwm).toBeGreaterThanOrEqual(s.rss);
    expect(memoryOf(process.pid)?.rss).toBeGreaterThan(0);
  });

  it('adds up the busy columns of /proc/stat', () => {
    const stat = 'cpu  100 5 50 9000 40 1 4 0 0 0\ncpu0 50 2 25 4500 20 0 2 0 0 0\n';
    expect(machineBusySeconds(stat)).toBeCloseTo(160 / clockTicksPerSecond(), 9);
    expect(machineBusySeconds('nothing')).toBeUndefined();
    expect(machineBusySeconds()).toBeGreaterThan(0);
  });

  it('fits a least-squares slope', () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toBeCloseTo(2, 12);
    expect(slope([{ x: 0, y: 10 }, { x: 1, y: 12 }, { x: 2, y: 10 }, { x: 3, y: 12 }])).toBeCloseTo(0.4, 12);
    expect(slope([{ x: 1, y: 1 }])).toBe(0);
  });
});
