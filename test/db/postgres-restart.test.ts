/**
 * A PostgreSQL restart must not take a process down. postgres.js 3.4.9 threw from a deferred write after the
 * connection closed — outside every try/catch — and crashed the process inside transactions on every `pg_ctl -m
 * fast stop` tried; scripts/patch-dependencies.mjs fixes the driver. This test runs the real status store in a child
 * process against a throwaway cluster of its own, restarts PostgreSQL three times under load, and requires the
 * child to live through all of them and to write again after each.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../internal/core/paths.js';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';

const ROOT = packageRoot();
let pg: PgCluster;
let child: ChildProcessWithoutNullStreams | undefined;
let out = '';
let exited: { code: number | null; signal: string | null } | undefined;

beforeAll(async () => {
  pg = await startPgCluster();
});

afterAll(() => {
  child?.kill('SIGKILL');
  pg?.destroy();
});

function okCount(): number {
  const m = [...out.matchAll(/^ok (\d+)$/gm)];
  return m.length ? Number(m[m.length - 1]![1]) : 0;
}

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (exited) throw new Error(`the writer process exited (${JSON.stringify(exited)}) while waiting for ${what}:\n${out.slice(-2000)}`);
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('PostgreSQL restarts', () => {
  it('the installed driver carries the fix', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'patch-dependencies.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a process writing in transactions survives three fast restarts and writes again after each', async () => {
    child = spawn(process.execPath, [join(ROOT, 'test', 'support', 'status-store-child.mjs'), pg.url], { cwd: ROOT });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code, signal) => (exited = { code, signal }));
    await until('the first writes', () => okCount() >= 40, 30_000);
    for (let round = 1; round <= 3; round++) {
      const before = okCount();
      pg.stop('fast');
      await new Promise((r) => setTimeout(r, 500));
      pg.start();
      await until(`writes after restart ${round}`, () => okCount() >= before + 40, 30_000);
    }
    expect(exited).toBeUndefined();
    // The failures during the outages were reported to the caller as errors, not as a crash.
    expect(out).toMatch(/^err$/m);
    expect(out).not.toMatch(/TypeError/);
  });
});
