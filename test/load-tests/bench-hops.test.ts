/**
 * `make bench-hops` as a user runs it, on a small count: every hop is measured against its real peer (nats-server,
 * PostgreSQL, the SMSC simulator, an HTTP server process) and the floor adds up from the hop lines. The figures are
 * not judged here (speed lives in the benchmark); that each was measured, and how the floor is made of them, is.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/gateway.js';

const ENTRY = join(ROOT, 'dist', 'cmd', 'bench-hops.js');

function runToEnd(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ENTRY, ...args], { env: { ...process.env, PATH: `/usr/sbin:${process.env.PATH ?? ''}` }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('bench-hops', () => {
  it('--help prints usage and exits 0; a bad count exits 2 and says why', () => {
    const help = spawnSync(process.execPath, [ENTRY, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: node dist/cmd/bench-hops.js');
    const bad = spawnSync(process.execPath, [ENTRY, '--messages', '10'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--messages must be a whole number of at least 1000, got '10'");
    const badRates = spawnSync(process.execPath, [ENTRY, '--edge-rates', '2000,0'], { encoding: 'utf8' });
    expect(badRates.status).toBe(2);
    expect(badRates.stderr).toContain("--edge-rates must be a comma-separated list of positive numbers, got '2000,0'");
  });

  it('measures every hop against its peer and adds the floor up from them', async () => {
    // 10,000, not fewer: nats-server stores a message for ~6 µs of CPU on a fast core, so 2,000 came to about one clock
    // tick of /proc CPU time and could read as 0 (seen once in CI).
    const { code, out } = await runToEnd(['--messages', '10000']);
    expect(code, out).toBe(0);
    const hop = (name: string) => {
      const m = new RegExp(`^${name}\\s+([\\d.]+)\\s+([\\d.]+)`, 'm').exec(out);
      if (!m) throw new Error(`no line for hop ${name} in:\n${out}`);
      return { gateway: Number(m[1]), server: Number(m[2]) };
    };
    const h = Object.fromEntries(['http', 'js-store', 'js-consume', 'events', 'smpp', 'postgres'].map((n) => [n, hop(n)]));
    // Each side that does work used CPU: a hop that measured nothing would show 0.000.
    for (const n of ['http', 'js-store', 'js-consume', 'smpp', 'postgres']) expect(h[n]!.gateway, n).toBeGreaterThan(0);
    for (const n of ['js-store', 'js-consume', 'smpp', 'postgres']) expect(h[n]!.server, n).toBeGreaterThan(0);
    const floor = /gateway ([\d.]+), stack \(gateway \+ nats-server \+ PostgreSQL\) ([\d.]+)/.exec(out);
    expect(floor, out).not.toBeNull();
    const sum = h.http!.gateway + 2 * h['js-store']!.gateway + h['js-consume']!.gateway + h.smpp!.gateway + 3 * h.events!.gateway + h.postgres!.gateway;
    // The printed figures are rounded to 0.001 each.
    expect(Number(floor![1])).toBeCloseTo(sum, 2);
    expect(Number(floor![2])).toBeGreaterThan(Number(floor![1]));
    expect(out).toMatch(/before, machine speed: /);
  }, 120_000);

  it('--edge-rates drives each least edge with the load generator; what they answered 202 for is in JetStream', async () => {
    const { code, out } = await runToEnd(['--messages', '1000', '--edge-rates', '500', '--edge-duration', '3']);
    expect(code, out).toBe(0);
    const row = (label: string) => {
      const m = new RegExp(`^${label}\\s+500\\s+(\\d+)\\s+(\\d+)\\s+(\\d+) / (\\d+) / (\\d+)\\s+[\\d.]+ / [\\d.]+ / ([\\d.]+) / [\\d.]+\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)$`, 'm').exec(out);
      if (!m) throw new Error(`no line for ${label} in:\n${out}`);
      const [acceptedPerS, failed, accepted, stored, claimed, p99, edge, nats, loadgen] = m.slice(1).map(Number);
      return { acceptedPerS, failed, accepted, stored, claimed, p99, edge, nats, loadgen };
    };
    const answer = row('answer at once');
    const store = row('store, then answer');
    const claim = row('claim, store, answer');
    for (const r of [answer, store, claim]) {
      // Every arrival of the open schedule was answered 202: 500/s for 3 s.
      expect(r.failed).toBe(0);
      expect(r.accepted).toBe(1500);
      expect(r.p99).toBeGreaterThan(0);
      expect(r.edge).toBeGreaterThan(0);
      expect(r.loadgen).toBeGreaterThan(0);
    }
    // The bare edge stores nothing; the others answered only what their stream then held, and only the keyed one claimed.
    expect([answer.stored, answer.claimed]).toEqual([0, 0]);
    expect([store.stored, store.claimed]).toEqual([1500, 0]);
    expect([claim.stored, claim.claimed]).toEqual([1500, 1500]);
    expect(store.nats).toBeGreaterThan(0);
    expect(claim.nats).toBeGreaterThan(0);
  }, 120_000);
});
