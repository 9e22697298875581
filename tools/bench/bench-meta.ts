/** What the results say about where they were measured: machine, Node, nats-server, Kannel, git, options. */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import type { BenchOptions } from './bench-args.js';
import type { KannelBinaries } from './kannel.js';
import { meanSegments } from '../loadgen/message-mix.js';
import type { MachineSpeed } from './machine-speed.js';
import type { BindThroughput } from './bind-throughput.js';

/** A command's output, or its error output when it fails: a version string either way, never a throw. */
export function quiet(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 }).trim();
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
  }
}

/** `postgres` starts empty: it is filled in from the first bench database. */
export function collectMeta(o: BenchOptions, root: string, natsVersion: string, kannelBin: KannelBinaries | undefined) {
  const cpu = cpus();
  return {
    startedAt: new Date().toISOString(),
    node: process.version,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    natsServer: natsVersion,
    kannel: kannelBin ? (/version `([^']+)'/.exec(quiet(kannelBin.bearerbox, ['--version']))?.[1] ?? 'unknown') : 'not installed',
    postgres: '',
    git: `${quiet('git', ['-C', root, 'rev-parse', '--short', 'HEAD']) || 'unknown'}${quiet('git', ['-C', root, 'status', '--porcelain']) ? ' (modified)' : ''}`,
    mix: o.mix,
    meanSegmentsPerMessage: meanSegments(o.mix),
    // A password in the server URL stays out of the results.
    options: { ...o, pgUrl: o.pgUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') },
    /** The machine's speed just before and just after the runs (machine-speed.ts). */
    speedBefore: undefined as MachineSpeed | undefined,
    speedAfter: undefined as MachineSpeed | undefined,
    /** One connector bind's submit_sm/s at small windows, after the rate runs (--bind-windows). */
    bindWindows: [] as BindThroughput[],
  };
}

export type BenchMeta = ReturnType<typeof collectMeta>;
