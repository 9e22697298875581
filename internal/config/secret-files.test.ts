import { describe, expect, it } from 'vitest';
import { resolveSecretFiles, type SecretKind } from './secret-files.js';

const files: Record<string, string> = {
  '/run/secrets/demo': 'k'.repeat(24) + '\n',
  '/etc/smsmesh/smpp/acme': 'pw12345\r\n',
  '/cfg/rel/key': 'r'.repeat(20),
};
const read = (p: string): string => {
  const v = files[p];
  if (v === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  return v;
};
const raw = () => ({
  carriers: [{ id: 'acme', smpp: { host: 'h', port: 1, systemId: 'u', passwordFile: '/etc/smsmesh/smpp/acme' } }],
  clients: [
    { id: 'demo', apiKeyFile: '/run/secrets/demo' },
    { id: 'rel', apiKeyFile: 'rel/key' },
  ],
});
const all = new Set<SecretKind>(['apiKeys', 'smppPasswords']);

describe('secret files', () => {
  it('reads each named file into the field beside it, without the final line end', () => {
    const { config, problems } = resolveSecretFiles(raw(), { kinds: all, baseDir: '/cfg', read });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      carriers: [{ smpp: { password: 'pw12345' } }],
      clients: [{ id: 'demo', apiKey: 'k'.repeat(24) }, { id: 'rel', apiKey: 'r'.repeat(20) }],
    });
    expect(JSON.stringify(config)).not.toContain('File');
  });

  it('never reads the kinds a process does not use; their values are random and differ per client', () => {
    const seen: string[] = [];
    const { config, problems } = resolveSecretFiles(raw(), {
      kinds: new Set<SecretKind>(['smppPasswords']),
      baseDir: '/cfg',
      read: (p) => (seen.push(p), read(p)),
    });
    expect(problems).toEqual([]);
    expect(seen).toEqual(['/etc/smsmesh/smpp/acme']);
    const clients = (config as { clients: { apiKey: string }[] }).clients;
    expect(clients[0]!.apiKey).toMatch(/^withheld-[0-9a-f]{24}$/);
    expect(clients[0]!.apiKey).not.toBe(clients[1]!.apiKey);
    const again = resolveSecretFiles(raw(), { kinds: new Set(), baseDir: '/cfg', read });
    expect((again.config as { clients: { apiKey: string }[] }).clients[0]!.apiKey).not.toBe(clients[0]!.apiKey);
  });

  it('names the field of a missing file and of a doubly given secret', () => {
    const r = raw();
    r.clients[0]!.apiKeyFile = '/nope';
    (r.carriers[0]!.smpp as Record<string, unknown>).password = 'inline';
    const { problems } = resolveSecretFiles(r, { kinds: all, baseDir: '/cfg', read });
    expect(problems).toEqual([
      'clients[0].apiKeyFile: cannot read /nope: ENOENT',
      'carriers[0].smpp.passwordFile: give either password or passwordFile, not both',
    ]);
  });

  it('leaves inline secrets and other shapes alone', () => {
    const inline = { carriers: [{ id: 'a', smpp: { password: 'x' } }], clients: [{ id: 'c', apiKey: 'y' }] };
    expect(resolveSecretFiles(inline, { kinds: new Set(), baseDir: '/', read }).config).toEqual(inline);
    expect(resolveSecretFiles('text', { kinds: all, baseDir: '/', read })).toEqual({ config: 'text', problems: [] });
  });
});
