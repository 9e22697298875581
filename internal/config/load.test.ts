import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadDatabaseUrl, parseFileConfig, readConfigFile } from './load.js';
import { bindTpsCap, isCoordinated } from './schema.js';

const carrier = { id: 'acme', prefixes: ['+4477'], smpp: { host: '127.0.0.1', port: 2775, systemId: 'user', password: 'secret' } };
const client = { id: 'demo', apiKey: '0123456789abcdef0123' };

function problems(raw: unknown): string[] {
  try {
    parseFileConfig(raw);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
}

describe('config validation', () => {
  it('fills defaults for a minimal config', () => {
    const c = parseFileConfig({ carriers: [carrier], clients: [client] });
    expect(c.carriers[0]).toMatchObject({ binds: 1, window: 10, concat: 'udh8', smpp: { interfaceVersion: 0x34, bindMode: 'transceiver' } });
    expect(bindTpsCap(c.carriers[0]!)).toBe(100);
    expect(c.carriers[0]).toMatchObject({ leaseTtlMs: 6000, senderTps: [] });
    expect(isCoordinated(c.carriers[0]!)).toBe(false);
    expect(c.nats.replicas).toBe(1);
  });

  it('carrier-wide limits: accountTps needs maxBinds, binds per process fit in maxBinds, senderTps patterns compile', () => {
    expect(problems({ carriers: [{ ...carrier, accountTps: 100 }], clients: [client] })[0]).toMatch(/^carriers\[0\]\.maxBinds: is needed with accountTps/);
    expect(problems({ carriers: [{ ...carrier, binds: 3, receiverBinds: 1, maxBinds: 3 }], clients: [client] })[0]).toMatch(
      /^carriers\[0\]\.binds: binds \+ receiverBinds \(4\) per process exceed maxBinds \(3\)/,
    );
    expect(problems({ carriers: [{ ...carrier, senderTps: [{ sender: '^(+1', tps: 1 }] }], clients: [client] })[0]).toMatch(
      /^carriers\[0\]\.senderTps\[0\]\.sender: is not a valid regular expression/,
    );
    const c = parseFileConfig({ carriers: [{ ...carrier, binds: 2, accountTps: 300, maxBinds: 4, senderTps: [{ sender: 'LONG', tps: 1 }] }], clients: [client] });
    expect(isCoordinated(c.carriers[0]!)).toBe(true);
    // Without tps, a bind may go as fast as the whole account (its share is what limits it).
    expect(bindTpsCap(c.carriers[0]!)).toBe(300);
    expect(bindTpsCap({ ...c.carriers[0]!, tps: 50 })).toBe(50);
  });

  it('names each bad field with its path', () => {
    const p = problems({
      carriers: [{ ...carrier, id: 'Bad Id', tps: -1, window: 0, smpp: { ...carrier.smpp, port: 70000 } }],
      clients: [{ id: 'demo', apiKey: 'short' }],
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^carriers\[0\]\.id: must match \[a-z0-9_-\]\+/),
        expect.stringMatching(/^carriers\[0\]\.tps:/),
        expect.stringMatching(/^carriers\[0\]\.window:/),
        expect.stringMatching(/^carriers\[0\]\.smpp\.port:/),
        expect.stringMatching(/^clients\[0\]\.apiKey: must be at least 16 characters/),
      ]),
    );
  });

  it('rejects unknown keys, missing sections, duplicate ids and prefixes', () => {
    expect(problems({ carriers: [{ ...carrier, tpz: 5 }], clients: [client] })[0]).toMatch(/^carriers\[0\]: .*tpz/i);
    expect(problems({ clients: [client] })[0]).toMatch(/^carriers:/);
    const dup = problems({ carriers: [carrier, { ...carrier, prefixes: ['+4477'] }], clients: [client, client] });
    expect(dup).toEqual(
      expect.arrayContaining([
        'carriers[1].id: duplicate carrier id "acme"',
        'clients[1].id: duplicate client id "demo"',
        'clients[1].apiKey: apiKey is used by another client',
      ]),
    );
  });

  it('takes the longest reconnect wait per carrier, 10 s unless set, and refuses one under a second', () => {
    expect(parseFileConfig({ carriers: [carrier], clients: [client] }).carriers[0]!.reconnectMaxMs).toBe(10_000);
    expect(parseFileConfig({ carriers: [{ ...carrier, reconnectMaxMs: 30_000 }], clients: [client] }).carriers[0]!.reconnectMaxMs).toBe(30_000);
    expect(problems({ carriers: [{ ...carrier, reconnectMaxMs: 200 }], clients: [client] })[0]).toMatch(/^carriers\[0\]\.reconnectMaxMs: .*1000/);
  });

  it('rejects a response timeout that JetStream would redeliver under', () => {
    expect(problems({ carriers: [{ ...carrier, responseTimeoutMs: 20_000 }], clients: [client], nats: { ackWaitMs: 30_000 } })[0]).toMatch(
      /^carriers\[0\]\.responseTimeoutMs: must be at most half of nats\.ackWaitMs/,
    );
  });
});

describe('environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsmesh-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'smsmesh.json');
  writeFileSync(path, JSON.stringify({ carriers: [carrier], clients: [client] }));

  it('reads SMSMESH_NICE, unset by default', () => {
    expect(loadConfig({ SMSMESH_CONFIG: path }).nice).toBeUndefined();
    expect(loadConfig({ SMSMESH_CONFIG: path, SMSMESH_NICE: '10' }).nice).toBe(10);
    expect(loadConfig({ SMSMESH_CONFIG: path, SMSMESH_NICE: '-5' }).nice).toBe(-5);
  });

  it.each(['20', '-21', '2.5', 'low'])('rejects SMSMESH_NICE=%s naming the variable', (raw) => {
    expect(() => loadConfig({ SMSMESH_CONFIG: path, SMSMESH_NICE: raw })).toThrow(/environment SMSMESH_NICE: /);
  });

  it('reads SMSMESH_NICE_BACKLOG, 1000 by default, 0 for a niceness that never changes', () => {
    expect(loadConfig({ SMSMESH_CONFIG: path }).niceBacklog).toBe(1000);
    expect(loadConfig({ SMSMESH_CONFIG: path, SMSMESH_NICE_BACKLOG: '200' }).niceBacklog).toBe(200);
    expect(loadConfig({ SMSMESH_CONFIG: path, SMSMESH_NICE_BACKLOG: '0' }).niceBacklog).toBe(0);
  });

  it.each(['-1', '2.5', 'many'])('rejects SMSMESH_NICE_BACKLOG=%s naming the variable', (raw) => {
    expect(() => loadConfig({ SMSMESH_CONFIG: path, SMSMESH_NICE_BACKLOG: raw })).toThrow(/environment SMSMESH_NICE_BACKLOG: /);
  });
});

describe('secrets in files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsmesh-secrets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'smsmesh.json');
  writeFileSync(join(dir, 'demo.key'), `${'s'.repeat(32)}\n`);
  writeFileSync(path, JSON.stringify({ carriers: [carrier], clients: [{ id: 'demo', apiKeyFile: 'demo.key' }] }));

  it('reads a key file relative to the config file', () => {
    expect(loadConfig({ SMSMESH_CONFIG: path }).clients[0]!.apiKey).toBe('s'.repeat(32));
  });

  it('withholds kinds the process does not read', () => {
    expect(loadConfig({ SMSMESH_CONFIG: path }, { secrets: ['smppPasswords'] }).clients[0]!.apiKey).toMatch(/^withheld-/);
  });

  it('validates what the file holds like an inline value', () => {
    writeFileSync(join(dir, 'short.key'), 'short');
    const p = join(dir, 'short.json');
    writeFileSync(p, JSON.stringify({ carriers: [carrier], clients: [{ id: 'demo', apiKeyFile: 'short.key' }] }));
    expect(() => loadConfig({ SMSMESH_CONFIG: p })).toThrow(/clients\[0\]\.apiKey: must be at least 16 characters/);
  });
});

describe('loadDatabaseUrl', () => {
  it('reads DATABASE_URL alone, empty as unset', () => {
    expect(loadDatabaseUrl({ DATABASE_URL: 'postgres://a@b/c', PORT: 'not-a-port' })).toBe('postgres://a@b/c');
    expect(loadDatabaseUrl({ DATABASE_URL: '' })).toBeUndefined();
    expect(() => loadDatabaseUrl({ DATABASE_URL: 'mysql://x' })).toThrow(/environment DATABASE_URL: must be a postgres/);
  });
});

describe('smsmesh.example.yaml', () => {
  it('is a valid config, documenting the defaults', () => {
    const c = readConfigFile(join(import.meta.dirname, '..', '..', 'smsmesh.example.yaml'));
    expect(c.api.drainDelayMs).toBe(0);
    expect(c.nats.replicas).toBe(1);
  });
});
