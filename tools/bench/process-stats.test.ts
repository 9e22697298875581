import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';
import { clockTicksPerSecond, CpuMeter, machineBusySeconds, memoryOf, parseIoCalls, parseStatTicks, parseStatusKb, slope } from './process-stats.js';

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

  it('reads syscr and syscw of /proc/<pid>/io', () => {
    const io = 'rchar: 6976\nwchar: 10\nsyscr: 12\nsyscw: 3\nread_bytes: 0\nwrite_bytes: 0\n';
    expect(parseIoCalls(io)).toEqual({ reads: 12, writes: 3 });
    expect(parseIoCalls('rchar: 1\n')).toBeUndefined();
  });

  it('counts the write calls this process makes between reset and sample', async () => {
    const meter = new CpuMeter();
    meter.add('self', () => [process.pid]);
    await meter.reset();
    const fd = openSync('/dev/null', 'w');
    for (let i = 0; i < 50; i++) writeSync(fd, 'x');
    closeSync(fd);
    const s = (await meter.sample()).self!;
    // Vitest's own workers may write meanwhile: at least ours, and not wildly more.
    expect(s.writeCalls).toBeGreaterThanOrEqual(50);
    expect(s.writeCalls).toBeLessThan(5_000);
    expect(s.readCalls).toBeGreaterThanOrEqual(0);
  });

  it('counts the CPU this process burns between reset and sample', async () => {
    const meter = new CpuMeter();
    meter.add('self', () => [process.pid]);
    const cpuSince = (from: NodeJS.CpuUsage): number => {
      const d = process.cpuUsage(from);
      return (d.user + d.system) / 1e6;
    };
    const outer = process.cpuUsage();
    await meter.reset();
    const inner = process.cpuUsage();
    // Burn until the kernel has charged 150 ms of CPU, however long that takes on a busy machine.
    let x = 0;
    while (cpuSince(inner) < 0.15) for (let i = 0; i < 100_000; i++) x += Math.sqrt(x + i);
    const burned = cpuSince(inner);
    const s = (await meter.sample()).self!;
    const ceiling = cpuSince(outer);
    // /proc counts whole clock ticks: allow two of them either way.
    const tick = 1 / clockTicksPerSecond();
    expect(x).toBeGreaterThan(0);
    expect(s.cpuS).toBeGreaterThanOrEqual(burned - 2 * tick);
    expect(s.cpuS).toBeLessThanOrEqual(ceiling + 2 * tick);
    expect(s.pids).toEqual([process.pid]);
    expect(s.rss).toBeGreaterThan(1024 * 1024);
    expect(s.hwm).toBeGreaterThanOrEqual(s.rss);
    expect(memoryOf(process.pid)?.rss).toBeGreaterThan(0);
  });

  it("tells the main thread's CPU from the other threads'", async () => {
    // A process whose main thread idles while a worker thread burns 300 ms of CPU.
    const burn = `const t0 = process.cpuUsage(); let x = 0;
      const used = () => { const d = process.cpuUsage(t0); return d.user + d.system; };
      while (used() < 300000) for (let i = 0; i < 100000; i++) x += Math.sqrt(i);
      require('node:worker_threads').parentPort.postMessage(x);`;
    const child = spawn(process.execPath, ['-e', `const { Worker } = require('node:worker_threads');
      new Worker(${JSON.stringify(burn)}, { eval: true }).on('message', () => process.stdout.write('burned\\n'));
      setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const meter = new CpuMeter();
      meter.add('child', () => [child.pid!]);
      await meter.reset();
      await once(child.stdout!, 'data');
      const s = (await meter.sample()).child!;
      const tick = 1 / clockTicksPerSecond();
      expect(s.cpuS - s.mainCpuS).toBeGreaterThanOrEqual(0.3 - 2 * tick);
      expect(s.mainCpuS).toBeGreaterThanOrEqual(0);
      expect(s.mainCpuS).toBeLessThan(s.cpuS);
    } finally {
      child.kill();
    }
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
