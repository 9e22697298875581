import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseFileConfig } from './load.js';

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

describe('inbound, opt-out and retention config', () => {
  it('defaults: no routes, the usual keywords, nothing deleted', () => {
    const c = parseFileConfig({ carriers: [carrier], clients: [client] });
    expect(c.inbound).toEqual({ routes: [] });
    expect(c.clients[0]!.optOut).toEqual({
      keywords: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'],
      clientWideKeywords: ['STOPALL'],
      optInKeywords: ['START', 'UNSTOP'],
    });
    expect(c.retention).toEqual({ batchSize: 1000, intervalMs: 600_000, pauseMs: 100 });
  });

  it('names routes to unknown clients, bad numbers and keywords', () => {
    const p = problems({
      carriers: [carrier],
      clients: [{ ...client, optOut: { keywords: ['STOP NOW'] } }],
      inbound: { routes: [{ to: '12345', client: 'demo' }, { to: 'abc', keyword: 'two words', client: 'ghost' }], defaultClient: 'nobody' },
      retention: { messagesDays: 0, batchSize: 5 },
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^clients\[0\]\.optOut\.keywords\[0\]: must be one word/),
        expect.stringMatching(/^inbound\.routes\[1\]\.to: must be a number or a prefix/),
        expect.stringMatching(/^inbound\.routes\[1\]\.keyword: must be one word/),
        expect.stringMatching(/^retention\.messagesDays: /),
        expect.stringMatching(/^retention\.batchSize: /),
      ]),
    );
    // Cross-field checks run once the shapes are right.
    const q = problems({ carriers: [carrier], clients: [client], inbound: { routes: [{ to: '12345', client: 'ghost' }], defaultClient: 'nobody' } });
    expect(q).toEqual(['inbound.routes[0].client: no client "ghost" is configured', 'inbound.defaultClient: no client "nobody" is configured']);
  });

  it('reads SMSMESH_TEXT_KEYS from the environment and refuses a bad one', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const env = { SMSMESH_CONFIG: 'does-not-exist.yaml', SMSMESH_TEXT_KEYS: 'k1:short' };
    expect(() => loadConfig(env)).toThrow(/SMSMESH_TEXT_KEYS: key "k1" must be 32 bytes/);
    expect(() => loadConfig({ ...env, SMSMESH_TEXT_KEYS: `k1:${key}` })).toThrow(/cannot read config file/);
  });
});
