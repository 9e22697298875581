/** The commands as a user meets them: --help, and config errors that name the bad field. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/gateway.js';

const dir = tempDir('smsmesh-cmd-');
afterAll(() => dir.remove());

function run(entry: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(ROOT, 'dist', 'cmd', `${entry}.js`), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('commands', () => {
  // The tool commands (benchmarks, drills, load generator, dev stack) share their flag handling: each must still
  // answer --help, and refuse an unknown flag or a bad value with the usage, exit 2, before it starts anything.
  it.each([
    ['bench', ['--rates', 'fast']],
    ['bench-bind', ['--windows', '1,x']],
    ['bench-compare', ['--order', 'AX', '--base-dir', '.']],
    ['bench-hops', ['--messages', '5']],
    ['bench-list', ['--rows', '10']],
    ['bench-retention', ['--seconds', '0']],
    ['bench-status', ['--shapes', 'round']],
    ['dev', ['--port', '99999']],
    ['drills', ['--rate', '-1']],
    ['loadgen', ['--rate', 'x']],
  ])('tool %s: --help exits 0; an unknown flag and a bad value exit 2 naming the flag', (entry, bad) => {
    const help = run(entry, ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage:/);
    const unknown = run(entry, ['--no-such-flag']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--no-such-flag');
    const value = run(entry, bad);
    expect(value.status).toBe(2);
    expect(value.stderr).toContain(bad[0]);
  });

  it.each(['smsmesh', 'edge', 'connector', 'status-writer', 'dlr-writer', 'smsc-sim', 'migrate', 'entrypoint'])('%s --help prints usage and exits 0', (entry) => {
    const r = run(entry, ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage:/);
  });

  it('exits 2 and names every bad field of the config file', () => {
    const path = join(dir.path, 'bad.yaml');
    writeFileSync(path, 'carriers:\n  - id: acme\n    prefixes: ["4477"]\n    smpp: { host: h, port: 2775, systemId: u, password: p }\n    tps: 0\nclients: []\n');
    const r = run('smsmesh', [], { SMSMESH_CONFIG: path });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('carriers[0].prefixes[0]: must be "+" followed by digits');
    expect(r.stderr).toContain('carriers[0].tps:');
    expect(r.stderr).toContain('clients: configure at least one client');
  });

  it('exits 2 with a hint when the config file is missing', () => {
    const r = run('smsmesh', [], { SMSMESH_CONFIG: join(dir.path, 'nope.yaml') });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read config file .*nope\.yaml: ENOENT.*make dev/);
  });

  it('rejects an unknown role', () => {
    const r = run('smsmesh', ['--roles', 'edge,pager']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown: pager');
  });
});
