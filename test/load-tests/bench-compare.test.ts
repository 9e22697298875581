/**
 * `make bench-compare` as a user runs it, on a short series: two builds (here the same tree twice, given as a built
 * base directory, so the test needs no clone or npm install) run the real bench against the real peers in the order
 * asked, and the report shows every run with its machine readings and each build's range. The figures are not
 * judged here (speed lives in the benchmark); that both builds ran, in order, and were reported, is.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/gateway.js';

const ENTRY = join(ROOT, 'dist', 'cmd', 'bench-compare.js');
const dir = tempDir('smsmesh-bench-compare-');
afterAll(() => dir.remove());

function runToEnd(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ENTRY, ...args], { env: { ...process.env, PATH: `/usr/sbin:${process.env.PATH ?? ''}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('bench-compare', () => {
  it('runs each build in the order asked and reports every run beside its machine readings', async () => {
    const { code, out, err } = await runToEnd(['--base-dir', ROOT, '--order', 'BA', '--results-dir', dir.path, '--', '--rates', '200', '--duration', '3', '--warmup', '0']);
    expect(code, `${out}\n${err}`).toBe(0);
    expect(out.indexOf('run 1 of 2: build B')).toBeGreaterThan(-1);
    expect(out.indexOf('run 2 of 2: build A')).toBeGreaterThan(out.indexOf('run 1 of 2: build B'));
    // Each bench's outcome line is echoed as it finishes, tagged with its run.
    expect(out).toMatch(/\[1 B\] → smsmesh all @200\/s: accepted/);
    expect(out).toMatch(/\[2 A\] → smsmesh all @200\/s: accepted/);
    // The rate's table runs to the first blank line; the row-writes table follows it.
    const from = out.indexOf('smsmesh all @200/s\n');
    const table = out.slice(from, out.indexOf('\n\n', from));
    const rows = table.split('\n').filter((l) => /^\s*\d+\s+[AB]\s/.test(l));
    expect(rows.map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '))).toEqual(['1 B', '2 A']);
    // The readings the bench took around each run: one core / all cores, before → after.
    for (const row of rows) expect(row).toMatch(/\d+\/\d+ → \d+\/\d+/);
    expect(table).toMatch(/^ {2}A, 1 run: persisted\/s \d+; accept p50 [\d.]+ ms/m);
    expect(table).toMatch(/^ {2}B, 1 run: persisted\/s \d+; accept p50 [\d.]+ ms/m);
    // Each run's PostgreSQL row writes per message: messages inserts and updates, then message_parts (this bench counts them).
    const writes = out.slice(out.indexOf('smsmesh all: PostgreSQL row writes per message'));
    const writeRows = writes.split('\n').filter((l) => /^\s*\d+\s+[AB]\s/.test(l));
    expect(writeRows.map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '))).toEqual(['1 B', '2 A']);
    for (const row of writeRows) {
      const figures = row.trim().split(/\s+/).slice(2);
      expect(figures).toHaveLength(4);
      for (const f of figures) expect(f).toMatch(/^\d+\.\d\d$/);
    }
    const series = readdirSync(dir.path).filter((d) => d.startsWith('compare-'));
    expect(series).toHaveLength(1);
    const files = readdirSync(join(dir.path, series[0]!));
    expect(files).toEqual(expect.arrayContaining(['1-B', '1-B.log', '2-A', '2-A.log', 'compare.txt']));
    expect(readFileSync(join(dir.path, series[0]!, 'compare.txt'), 'utf8')).toContain('smsmesh all @200/s');
    expect(existsSync(join(dir.path, series[0]!, '1-B'))).toBe(true);
  }, 240_000);
});
