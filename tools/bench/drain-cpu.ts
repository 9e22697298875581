/**
 * Where a backlog drain's CPU goes: each process's share of a core and its CPU per 1,000 messages drained, over the
 * whole drain and over each progress interval. A process near 100 % of a core bounds the drain by itself (one event
 * loop); a machine near 100 % per core bounds it by the cores; anything else points at waits.
 */
import type { GroupSample } from './process-stats.js';

export interface DrainCpuRow {
  process: string;
  cpuS: number;
  /** Mean share of one core over the interval, %. */
  corePct: number;
  /** CPU seconds per 1,000 messages persisted over the interval. */
  perThousand: number;
}

export interface DrainCpu {
  seconds: number;
  persisted: number;
  perSecond: number;
  /** The whole machine, % of one core (200 = both cores of a 2-core machine), when /proc/stat was readable. */
  machinePct: number | undefined;
  rows: DrainCpuRow[];
}

const r1 = (n: number) => Math.round(n * 10) / 10;
const r3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * The figures between two readings of the same meter (`from` may be empty: the meter was reset at the start). Rows
 * come busiest first.
 */
export function drainCpu(
  from: { at: number; persisted: number; groups: Record<string, GroupSample>; machineS: number | undefined },
  to: { at: number; persisted: number; groups: Record<string, GroupSample>; machineS: number | undefined },
): DrainCpu {
  const seconds = Math.max(0.001, (to.at - from.at) / 1000);
  const persisted = Math.max(0, to.persisted - from.persisted);
  const rows = Object.entries(to.groups).map(([process, g]): DrainCpuRow => {
    const cpuS = Math.max(0, g.cpuS - (from.groups[process]?.cpuS ?? 0));
    return { process, cpuS: r1(cpuS), corePct: Math.round((100 * cpuS) / seconds), perThousand: persisted > 0 ? r3(cpuS / (persisted / 1000)) : 0 };
  });
  rows.sort((a, b) => b.cpuS - a.cpuS);
  const machinePct = from.machineS !== undefined && to.machineS !== undefined ? Math.round((100 * (to.machineS - from.machineS)) / seconds) : undefined;
  return { seconds: r1(seconds), persisted, perSecond: Math.round(persisted / seconds), machinePct, rows };
}

/** One progress line's tail: "machine 190 %; connector 96 %, nats-server 51 %, …" (processes under 5 % left out). */
export function drainCpuText(d: DrainCpu): string {
  const busy = d.rows.filter((r) => r.corePct >= 5).map((r) => `${r.process} ${r.corePct} %`);
  return `${d.machinePct === undefined ? '' : `machine ${d.machinePct} %; `}${busy.join(', ') || 'no process busy'}`;
}
