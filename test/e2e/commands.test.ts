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
