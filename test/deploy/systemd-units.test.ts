/**
 * The systemd units in deploy/systemd/ start each role as the rest of the project does: the entry point and the Node
 * flags of internal/app/node-flags.ts, a stop that outlasts the process's own, the environment its role reads and no
 * more, and SMSMESH_NICE on the roles that share cores with an edge. systemd itself checks their syntax
 * (`systemd-analyze verify`), and a connector started with its unit's environment in a session of its own, as systemd
 * starts a service, lowers its session's autogroup.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { autogroupNiceOf, autogroupsEnabled } from '../../internal/app/cpu-priority.js';
import { nodeFlagsFor } from '../../internal/app/node-flags.js';
import { STOP_TIMEOUT_MS } from '../../internal/app/process.js';
import { envRead, planDatabase, ROLE_NEEDS, ROLES, type Command } from '../../internal/app/role-needs.js';
import { loadConfig } from '../../internal/config/load.js';
import { ROOT, spawnGateway, tempDir, waitFor, writeConfig } from '../support/gateway.js';
import { startTestNats } from '../support/nats.js';
import { freePort } from '../support/ports.js';

const DIR = join(ROOT, 'deploy', 'systemd');
const INSTALLED = '/opt/smsmesh';
const COMMANDS: readonly Command[] = [...ROLES, 'migrate'];
/** The roles that run beside an edge at a lower CPU priority. */
const BACKGROUND = ROLES.filter((r) => r !== 'edge');

type Unit = Map<string, Map<string, string[]>>;

/** A unit file's sections and their settings, a repeated key keeping every value in order. */
function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = new Map();
      unit.set(head[1]!, section);
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq < 0) throw new Error(`not a setting: ${line}`);
    const key = line.slice(0, eq);
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1)]);
  }
  return unit;
}

function unitOf(name: string): Unit {
  return parseUnit(readFileSync(join(DIR, name), 'utf8'));
}

function one(unit: Unit, section: string, key: string): string {
  const values = unit.get(section)?.get(key) ?? [];
  expect(values, `[${section}] ${key}`).toHaveLength(1);
  return values[0]!;
}

/** `KEY=value` lines (Environment= of a unit, or an EnvironmentFile). */
function envLines(lines: readonly string[]): Record<string, string> {
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

function envFileOf(command: Command): Record<string, string> {
  const text = readFileSync(join(DIR, 'env', `${command}.env`), 'utf8');
  return envLines(text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')));
}

function unitEnvOf(unit: Unit): Record<string, string> {
  return envLines(unit.get('Service')?.get('Environment') ?? []);
}

describe('systemd units (deploy/systemd/)', () => {
  const tmp = tempDir('systemd-units-');
  afterAll(() => tmp.remove());

  it('has one service per role, the migration, and the target: nothing else', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.service') || f.endsWith('.target'));
    expect(files.sort()).toEqual([...COMMANDS.map((c) => `smsmesh-${c}.service`), 'smsmesh.target'].sort());
    expect(readdirSync(join(DIR, 'env')).sort()).toEqual(COMMANDS.map((c) => `${c}.env`).sort());
  });

  for (const command of COMMANDS) {
    it(`smsmesh-${command}.service starts dist/cmd/${command}.js with the flags of node-flags.ts, reading what the ${command} reads`, () => {
      const unit = unitOf(`smsmesh-${command}.service`);
      const argv = one(unit, 'Service', 'ExecStart').split(/\s+/);
      expect(argv).toEqual(['/usr/bin/node', ...nodeFlagsFor(command), `${INSTALLED}/dist/cmd/${command}.js`]);
      expect(existsSync(join(ROOT, 'cmd', `${command}.ts`)), `cmd/${command}.ts`).toBe(true);
      expect(one(unit, 'Service', 'EnvironmentFile')).toBe(`/etc/smsmesh/${command}.env`);
      expect(one(unit, 'Service', 'User')).toBe('smsmesh');

      // What the unit and its example environment file set, the process reads: it warns at start about anything else.
      const env = { ...envFileOf(command), ...unitEnvOf(unit) };
      const read: ReadonlySet<string> =
        command === 'migrate' ? new Set(ROLE_NEEDS.migrate.env) : envRead(new Set([command]), planDatabase(new Set([command]), false, env.DATABASE_URL));
      expect(Object.keys(env).filter((k) => !read.has(k)), 'set but not read').toEqual([]);
      if (ROLE_NEEDS[command].database === 'required') expect(env.DATABASE_URL, 'DATABASE_URL').toMatch(/^postgres:\/\//);
    });
  }

  for (const role of ROLES) {
    it(`smsmesh-${role}.service: its environment loads as a config, it stops after the process's own stop, and it is part of smsmesh.target`, () => {
      const unit = unitOf(`smsmesh-${role}.service`);
      const configPath = writeConfig(tmp.path, { apiKey: 'systemd-units-key-0123', carriers: [{ id: 'uk', prefixes: ['+44'], port: 2775 }] });
      const config = loadConfig({ ...envFileOf(role), ...unitEnvOf(unit), SMSMESH_CONFIG: configPath });
      expect(config.nice, 'SMSMESH_NICE').toBe(role === 'edge' ? undefined : 10);
      const stop = one(unit, 'Service', 'TimeoutStopSec');
      expect(Number(stop) * 1000).toBeGreaterThan(STOP_TIMEOUT_MS);
      expect(one(unit, 'Service', 'RestartPreventExitStatus')).toBe('2');
      expect(one(unit, 'Unit', 'PartOf')).toBe('smsmesh.target');
      expect(one(unit, 'Install', 'WantedBy')).toBe('smsmesh.target');
      if (role === 'connector') {
        // Its journal (receipts and inbound messages held while NATS is away) is the one thing a role writes to disk.
        expect(config.dataDir).toBe('/var/lib/smsmesh');
        expect(one(unit, 'Service', 'StateDirectory')).toBe('smsmesh');
      }
    });
  }

  it('systemd-analyze verify accepts every unit without a warning', () => {
    // verify checks that ExecStart's program exists: this node stands in for /usr/bin/node where it lives elsewhere.
    const names = readdirSync(DIR).filter((f) => f.endsWith('.service') || f.endsWith('.target'));
    for (const name of names) {
      writeFileSync(join(tmp.path, name), readFileSync(join(DIR, name), 'utf8').replaceAll('/usr/bin/node ', `${process.execPath} `));
    }
    const r = spawnSync('systemd-analyze', ['verify', ...names.map((n) => join(tmp.path, n))], { encoding: 'utf8' });
    expect(r.error, 'systemd-analyze (Debian package systemd) runs').toBeUndefined();
    expect(r.stderr.trim()).toBe('');
    expect(r.status).toBe(0);
  });

  it.runIf(autogroupsEnabled())('a connector started with its unit\'s environment in a session of its own lowers its session\'s autogroup', async () => {
    const env = unitEnvOf(unitOf('smsmesh-connector.service'));
    // A NATS of its own: a connector on a shared server would join other tests' consumers.
    const nats = await startTestNats();
    const configPath = writeConfig(tmp.path, { apiKey: 'systemd-units-key-0123', carriers: [{ id: 'uk', prefixes: ['+44'], port: await freePort() }] });
    const connector = await spawnGateway({
      entry: 'connector',
      configPath,
      natsUrl: nats.url,
      dataDir: tmp.path,
      logDir: tmp.path,
      name: 'systemd-connector',
      // The unit's own settings but the data folder, which is the test's.
      env: { ...env, SMSMESH_DATA_DIR: tmp.path },
      ownSession: true,
    });
    try {
      await waitFor('the connector\'s session autogroup at nice 10', async () => autogroupNiceOf(connector.child.pid!) === 10, 10_000);
    } finally {
      await connector.stop();
      await nats.destroy();
    }
  });
});
