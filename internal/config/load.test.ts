import { describe, expect, it } from 'vitest';
import { ConfigError, parseFileConfig } from './load.js';

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
    expect(c.carriers[0]).toMatchObject({ binds: 1, tps: 100, window: 10, concat: 'udh8', smpp: { interfaceVersion: 0x34, bindMode: 'transceiver' } });
    expect(c.nats.replicas).toBe(1);
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

  it('rejects a response timeout that JetStream would redeliver under', () => {
    expect(problems({ carriers: [{ ...carrier, responseTimeoutMs: 20_000 }], clients: [client], nats: { ackWaitMs: 30_000 } })[0]).toMatch(
      /^carriers\[0\]\.responseTimeoutMs: must be at most half of nats\.ackWaitMs/,
    );
  });
});
