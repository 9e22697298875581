import { describe, expect, it } from 'vitest';
import { ConfigError, parseFileConfig } from './load.js';

const carrier = { id: 'c', prefixes: ['+44'], smpp: { host: 'h', port: 2775, systemId: 's', password: 'p' } };

describe('client keys and scopes in the config', () => {
  it('defaults scopes to send and read, and takes a hash in place of the key', () => {
    const cfg = parseFileConfig({
      carriers: [carrier],
      clients: [
        { id: 'a', apiKey: 'k'.repeat(20) },
        { id: 'b', apiKeyHash: `sha256:${'ab'.repeat(32)}`, scopes: ['admin'] },
        { id: 'c' },
      ],
    });
    expect(cfg.clients.map((c) => c.scopes)).toEqual([['send', 'read'], ['admin'], ['send', 'read']]);
  });

  it('names the bad field: both key forms, a malformed hash, an unknown scope', () => {
    const problems = (clients: unknown[]) => {
      try {
        parseFileConfig({ carriers: [carrier], clients });
      } catch (err) {
        return (err as ConfigError).problems;
      }
      return [];
    };
    expect(problems([{ id: 'a', apiKey: 'k'.repeat(20), apiKeyHash: `sha256:${'ab'.repeat(32)}` }])).toEqual(['clients[0].apiKeyHash: give either apiKey or apiKeyHash, not both']);
    expect(problems([{ id: 'a', apiKeyHash: 'md5:abc' }])[0]).toMatch(/^clients\[0\]\.apiKeyHash: must be "sha256:/);
    expect(problems([{ id: 'a', apiKey: 'k'.repeat(20), scopes: ['root'] }])[0]).toMatch(/^clients\[0\]\.scopes\[0\]/);
  });
});
