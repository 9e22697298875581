/**
 * CPU time, memory and I/O calls of processes from /proc (Linux): utime+stime from /proc/<pid>/stat in clock ticks
 * (getconf CLK_TCK, usually 100), VmRSS and VmHWM (peak RSS) from /proc/<pid>/status, syscr and syscw from
 * /proc/<pid>/io (calls of read/readv/pread and write/writev/pwrite: Node and nats-server use these on sockets and
 * files alike; PostgreSQL's send/recv on sockets are not among them). A CpuMeter follows named
 * groups of pids (e.g. "postgres" = the backends of the bench database, which come and go) and accumulates
 * per-pid deltas, so a process that exits keeps the CPU it used.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clkTck: number | undefined;

export function clockTicksPerSecond(): number {
  if (clkTck === undefined) {
    try {
      const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      clkTck = Number.isFinite(n) && n > 0 ? n : 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** utime + stime of a /proc/<pid>/stat line, in ticks. The comm field may contain spaces and parentheses. */
export function parseStatTicks(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  return Number(rest[11]) + Number(rest[12]);
}

/** A "Name:   1234 kB" line of /proc/<pid>/status, in bytes; undefined when absent. */
export function parseStatusKb(status: string, name: string): number | undefined {
  const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : undefined;
}

export function cpuTicks(pid: number): number | undefined {
  try {
    return parseStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) the process has used so far; 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  return (cpuTicks(pid) ?? 0) / clockTicksPerSecond();
}

/**
 * utime + stime of the process's main thread alone (/proc/<pid>/task/<pid>/stat), in ticks: the rest of the
 * process's CPU went to its other threads (in Node: V8's garbage-collection and compiler helpers, libuv's pool).
 */
export function mainThreadTicks(pid: number): number | undefined {
  try {
    return parseStatTicks(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** syscr and syscw of a /proc/<pid>/io text; undefined when either is absent. */
export function parseIoCalls(io: string): IoCalls | undefined {
  const r = /^syscr:\s+(\d+)/m.exec(io);
  const w = /^syscw:\s+(\d+)/m.exec(io);
  return r && w ? { reads: Number(r[1]), writes: Number(w[1]) } : undefined;
}

export interface IoCalls {
  reads: number;
  writes: number;
}

export function ioCallsOf(pid: number): IoCalls | undefined {
  try {
    return parseIoCalls(readFileSync(`/proc/${pid}/io`, 'utf8'));
  } catch {
    return undefined;
  }
}

export interface Memory {
  rss: number;
  hwm: number;
}

export function memoryOf(pid: number): Memory | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rss: parseStatusKb(s, 'VmRSS') ?? 0, hwm: parseStatusKb(s, 'VmHWM') ?? 0 };
  } catch {
    return undefined;
  }
}

export interface GroupSample {
  /** CPU seconds since the meter's last reset. */
  cpuS: number;
  /** Of cpuS, the seconds the processes' main threads used (the rest went to their other threads). */
  mainCpuS: number;
  /** Current RSS, bytes (sum over the group's live pids). */
  rss: number;
  /** Highest RSS sampled since the last reset, bytes. */
  peakRss: number;
  /** VmHWM (lifetime peak RSS of each process), summed over the group's live pids, bytes. */
  hwm: number;
  /**
   * read- and write-family system calls since the last reset; undefined when no pid of the group let its
   * /proc/<pid>/io be read (another user's processes, for a bench not run as root or as their owner).
   */
  readCalls: number | undefined;
  writeCalls: number | undefined;
  pids: number[];
}

interface Group {
  pids: () => number[] | Promise<number[]>;
  last: Map<number, number>;
  ticks: number;
  lastMain: Map<number, number>;
  mainTicks: number;
  lastIo: Map<number, IoCalls>;
  reads: number;
  writes: number;
  ioRead: boolean;
  peakRss: number;
  lastHwm: number;
}

export class CpuMeter {
  private readonly groups = new Map<string, Group>();
  private readonly tck = clockTicksPerSecond();

  /** Follows a group; `pids` is asked at every sample (it may change). */
  add(name: string, pids: () => number[] | Promise<number[]>): void {
    this.groups.set(name, { pids, last: new Map(), ticks: 0, lastMain: new Map(), mainTicks: 0, lastIo: new Map(), reads: 0, writes: 0, ioRead: false, peakRss: 0, lastHwm: 0 });
  }

  remove(name: string): void {
    this.groups.delete(name);
  }

  names(): string[] {
    return [...this.groups.keys()];
  }

  /** Starts counting from now for every group (CPU and peak RSS). */
  async reset(): Promise<void> {
    for (const g of this.groups.values()) {
      g.ticks = 0;
      g.mainTicks = 0;
      g.reads = 0;
      g.writes = 0;
      g.ioRead = false;
      g.peakRss = 0;
      g.last.clear();
      g.lastMain.clear();
      g.lastIo.clear();
      for (const pid of await g.pids()) {
        const t = cpuTicks(pid);
        if (t !== undefined) g.last.set(pid, t);
        const m = mainThreadTicks(pid);
        if (m !== undefined) g.lastMain.set(pid, m);
        const io = ioCallsOf(pid);
        if (io) g.lastIo.set(pid, io);
      }
    }
  }

  /** Reads every group now; CPU accumulates from the last reset. */
  async sample(): Promise<Record<string, GroupSample>> {
    const out: Record<string, GroupSample> = {};
    for (const [name, g] of this.groups) {
      const pids = await g.pids();
      let rss = 0;
      let hwm = 0;
      for (const pid of pids) {
        const t = cpuTicks(pid);
        if (t !== undefined) {
          // A pid first seen now (a new pool connection) counts from its birth: its whole time is new work.
          const prev = g.last.get(pid) ?? 0;
          g.ticks += Math.max(0, t - prev);
          g.last.set(pid, t);
        }
        const main = mainThreadTicks(pid);
        if (main !== undefined) {
          g.mainTicks += Math.max(0, main - (g.lastMain.get(pid) ?? 0));
          g.lastMain.set(pid, main);
        }
        const io = ioCallsOf(pid);
        if (io) {
          const prev = g.lastIo.get(pid) ?? { reads: 0, writes: 0 };
          g.reads += Math.max(0, io.reads - prev.reads);
          g.writes += Math.max(0, io.writes - prev.writes);
          g.lastIo.set(pid, io);
          g.ioRead = true;
        }
        const m = memoryOf(pid);
        if (m) {
          rss += m.rss;
          hwm += m.hwm;
        }
      }
      if (rss > g.peakRss) g.peakRss = rss;
      if (hwm > 0) g.lastHwm = hwm;
      out[name] = { cpuS: g.ticks / this.tck, mainCpuS: Math.min(g.mainTicks, g.ticks) / this.tck, rss, peakRss: g.peakRss, hwm: g.lastHwm, readCalls: g.ioRead ? g.reads : undefined, writeCalls: g.ioRead ? g.writes : undefined, pids };
    }
    return out;
  }
}

/**
 * CPU time the whole machine spent busy (all cores, everything but idle and iowait), seconds, from /proc/stat.
 * undefined where /proc/stat is unreadable.
 */
export function machineBusySeconds(stat?: string): number | undefined {
  try {
    const text = stat ?? readFileSync('/proc/stat', 'utf8');
    const line = text.split('\n').find((l) => l.startsWith('cpu '));
    if (!line) return undefined;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const busy = (v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0) + (v[7] ?? 0);
    return busy / clockTicksPerSecond();
  } catch {
    return undefined;
  }
}

/** Least-squares slope of y over x (units of y per unit of x); 0 with fewer than two distinct x. */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
