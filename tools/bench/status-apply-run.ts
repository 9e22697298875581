/**
 * `make bench-status`: the status store's batch apply alone, against the local PostgreSQL server, without NATS or a
 * gateway around it, so that the store's own cost (its Node side and PostgreSQL's backend) can be told apart from the
 * rest of the stack. Each run is a child process on a fresh database; with a base build the builds take turns
 * (ABBA per round), as in bench-compare, because a shared VM's speed moves within minutes.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createBenchDatabase } from './bench-database.js';
import type { StatusShape } from './status-apply-batches.js';
import type { StatusApplyJob, StatusApplyResult } from './status-apply-child.js';

export interface StatusBenchOptions {
  /** Builds by label: their dist directories. */
  builds: { label: string; dist: string }[];
  /** The dist directory whose child script runs the jobs (this build's). */
  ownDist: string;
  shapes: readonly StatusShape[];
  size: number;
  batches: number;
  warmup: number;
  rounds: number;
  pgUrl: string;
  log: (line: string) => void;
}

export interface StatusBenchRun extends StatusApplyResult {
  build: string;
  shape: StatusShape;
  round: number;
}

function runChild(script: string, job: StatusApplyJob): Promise<StatusApplyResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`status apply run exited ${code}: ${err.trim() || out.trim()}`));
      try {
        done(JSON.parse(out.trim().split('\n').pop() ?? '') as StatusApplyResult);
      } catch {
        fail(new Error(`status apply run printed no result: ${out.trim()} ${err.trim()}`));
      }
    });
  });
}

/** Build order within a round: A B B A … for two builds, so that each round is balanced. */
export function roundOrder<T>(builds: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...builds] : [...builds].reverse();
}

export async function runStatusBench(o: StatusBenchOptions): Promise<StatusBenchRun[]> {
  const script = join(o.ownDist, 'tools', 'bench', 'status-apply-child.js');
  const runs: StatusBenchRun[] = [];
  for (let round = 0; round < o.rounds; round++) {
    for (const build of roundOrder(o.builds, round)) {
      for (const shape of o.shapes) {
        const db = await createBenchDatabase(o.pgUrl);
        try {
          const r = await runChild(script, { dist: build.dist, url: db.url, shape, size: o.size, batches: o.batches, warmup: o.warmup });
          if (r.delivered !== r.expected) throw new Error(`${build.label} ${shape}: ${r.delivered} messages delivered, expected ${r.expected}: the store lost or skipped events`);
          runs.push({ ...r, build: build.label, shape, round });
          o.log(`round ${round + 1}/${o.rounds}  ${build.label.padEnd(12)} ${shape.padEnd(9)} ${describe(r, o.batches, o.size)}`);
        } finally {
          await db.drop();
        }
      }
    }
  }
  return runs;
}

const f = (x: number, d = 2) => x.toFixed(d);

function describe(r: StatusApplyResult, batches: number, size: number): string {
  const msgs = batches * size;
  const pg = r.pgCpuMs === null ? 'PostgreSQL CPU n/a' : `PostgreSQL ${f(r.pgCpuMs / batches)} ms/batch (${f(r.pgCpuMs / msgs, 4)} s/1k)`;
  return `${pg}, store ${f(r.cpuMs / batches)} ms/batch (${f(r.cpuMs / msgs, 4)} s/1k), wall ${f(r.wallMs / batches)} ms/batch`;
}

/** Per build and shape: the range over rounds of each figure. */
export function summarize(runs: readonly StatusBenchRun[], batches: number, size: number): string[] {
  const lines = ['build         shape      runs  PostgreSQL CPU-s/1k  store CPU-s/1k   wall ms/batch'];
  const keys = [...new Set(runs.map((r) => `${r.build}\u0000${r.shape}`))];
  const range = (xs: number[], d: number) => (xs.length === 0 ? 'n/a' : `${f(Math.min(...xs), d)}–${f(Math.max(...xs), d)}`);
  for (const k of keys) {
    const [build, shape] = k.split('\u0000') as [string, string];
    const rs = runs.filter((r) => r.build === build && r.shape === shape);
    const msgs = batches * size;
    const pg = rs.flatMap((r) => (r.pgCpuMs === null ? [] : [r.pgCpuMs / msgs]));
    lines.push(
      `${build.padEnd(12)}  ${shape.padEnd(9)}  ${String(rs.length).padStart(4)}  ${range(pg, 4).padStart(19)}  ${range(
        rs.map((r) => r.cpuMs / msgs),
        4,
      ).padStart(14)}  ${range(
        rs.map((r) => r.wallMs / batches),
        2,
      ).padStart(14)}`,
    );
  }
  return lines;
}
