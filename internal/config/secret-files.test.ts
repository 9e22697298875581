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
const all = new Set<SecretKind>(['apiKeys', 'smppPasswords', 'webhookSecrets']);

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
      'clients[0].apiKeyFile (client demo): cannot read /nope: ENOENT',
      'carriers[0].smpp.passwordFile (carrier acme): give either password or passwordFile, not both',
    ]);
  });

  it('leaves inline secrets and other shapes alone', () => {
    const inline = { carriers: [{ id: 'a', smpp: { password: 'x' } }], clients: [{ id: 'c', apiKey: 'y' }] };
    expect(resolveSecretFiles(inline, { kinds: new Set(), baseDir: '/', read }).config).toEqual(inline);
    expect(resolveSecretFiles('text', { kinds: all, baseDir: '/', read })).toEqual({ config: 'text', problems: [] });
  });

  describe('webhookSecretsFile', () => {
    const A = `whsec_${'A'.repeat(43)}=`;
    const B = `whsec_${'b'.repeat(32)}`;
    const hooks: Record<string, string> = {
      '/run/hooks/demo': `\n  ${A}  \r\n\n${B}\n`,
      '/cfg/hooks/rel': `${B}\n`,
      '/run/hooks/bad': `${A}\nwhsec_tooShort\n\n${B.slice(6)}\n`,
      '/run/hooks/empty': ' \n\n',
      '/run/hooks/many': Array.from({ length: 11 }, (_, i) => `whsec_${String(i).padStart(32, 'x')}`).join('\n'),
    };
    const readHooks = (p: string) => hooks[p] ?? read(p);
    const withHooks = (...files: string[]) => ({ clients: files.map((f, i) => ({ id: `c${i}`, webhookSecretsFile: f })) });
    const resolve = (raw: unknown, kinds = all) => resolveSecretFiles(raw, { kinds, baseDir: '/cfg', read: readHooks });

    it('reads one secret per line, skipping blank lines and the whitespace around each', () => {
      const { config, problems } = resolve(withHooks('/run/hooks/demo', 'hooks/rel'));
      expect(problems).toEqual([]);
      expect(config).toEqual({ clients: [{ id: 'c0', webhookSecrets: [A, B] }, { id: 'c1', webhookSecrets: [B] }] });
    });

    it('names the client, the file and each bad line, and never what the line holds', () => {
      const { problems } = resolve(withHooks('/run/hooks/bad'));
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/^clients\[0\]\.webhookSecretsFile \(client c0\): \/run\/hooks\/bad line 2: must be "whsec_" followed by base64/);
      expect(problems[1]).toMatch(/^clients\[0\]\.webhookSecretsFile \(client c0\): \/run\/hooks\/bad line 4: /);
      const text = problems.join('\n');
      expect(text).not.toContain('tooShort');
      expect(text).not.toContain(B.slice(6));
      expect(text).not.toContain(A);
    });

    it('refuses an empty file, an unreadable one and too many secrets, naming the file', () => {
      const { problems } = resolve(withHooks('/run/hooks/empty', '/run/hooks/none', '/run/hooks/many'));
      expect(problems).toEqual([
        'clients[0].webhookSecretsFile (client c0): /run/hooks/empty holds no secret: write one "whsec_…" secret per line',
        'clients[1].webhookSecretsFile (client c1): cannot read /run/hooks/none: ENOENT',
        'clients[2].webhookSecretsFile (client c2): /run/hooks/many holds 11 secrets, at most 10: remove those no receiver verifies with any more',
      ]);
      expect(problems.join('\n')).not.toContain('xxxx');
    });

    it('refuses webhookSecrets and webhookSecretsFile together, naming the client and both fields', () => {
      const { problems } = resolve({ clients: [{ id: 'acme', webhookSecrets: [A], webhookSecretsFile: '/run/hooks/demo' }] });
      expect(problems).toEqual(['clients[0].webhookSecretsFile (client acme): give either webhookSecrets or webhookSecretsFile, not both']);
    });

    it('is not read by a process whose roles do not sign: a missing file is no problem there', () => {
      const seen: string[] = [];
      const raw = withHooks('/not/mounted/here');
      const { config, problems } = resolveSecretFiles(raw, { kinds: new Set<SecretKind>(['apiKeys']), baseDir: '/cfg', read: (p) => (seen.push(p), readHooks(p)) });
      expect(problems).toEqual([]);
      expect(seen).toEqual([]);
      const secrets = (config as { clients: { webhookSecrets: string[] }[] }).clients[0]!.webhookSecrets;
      expect(secrets).toHaveLength(1);
      expect(secrets[0]).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    });
  });
});
