import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretKey } from '../callbacks/signature.js';
import { readConfigFile } from '../config/load.js';
import { noopLogger } from '../log/logger.js';
import { applyWebhookSecrets, callbackClients } from './callback-clients.js';
import { reloadConfig } from './reload.js';

const OLD = `whsec_${'o'.repeat(32)}`;
const NEW = `whsec_${'n'.repeat(32)}`;
const carrier = { id: 'acme', prefixes: ['+44'], smpp: { host: '127.0.0.1', port: 2775, systemId: 'user', password: 'secret' } };

describe('webhook secrets on reload (SIGHUP)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsmesh-hooks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'smsmesh.json');
  const secrets = join(dir, 'acme.whsec');
  const config = (callbackUrl: string) => ({
    carriers: [carrier],
    clients: [
      { id: 'acme', apiKey: 'a'.repeat(20), callbackUrl, webhookSecretsFile: 'acme.whsec' },
      { id: 'inline', apiKey: 'i'.repeat(20), webhookSecrets: [OLD] },
    ],
  });
  writeFileSync(path, JSON.stringify(config('https://hooks.acme.example/sms')));
  writeFileSync(secrets, `${OLD}\n`);

  const clients = callbackClients(readConfigFile(path, ['webhookSecrets']).clients);
  const keysOf = (id: string) => clients.get(id)!.keys.map((k) => k.toString('base64'));
  const key = (s: string) => secretKey(s).toString('base64');
  const reload = () => reloadConfig(path, ['webhookSecrets'], [{ reload: (f) => applyWebhookSecrets(clients, f) }], noopLogger);

  it('reads the file again: a line added signs with both, a line removed no more', () => {
    expect(keysOf('acme')).toEqual([key(OLD)]);
    appendFileSync(secrets, `${NEW}\n`);
    expect(reload()).toEqual({ ok: true, applied: ['clients[].webhookSecrets'] });
    expect(keysOf('acme')).toEqual([key(OLD), key(NEW)]);
    writeFileSync(secrets, `${NEW}\n`);
    expect(reload().ok).toBe(true);
    expect(keysOf('acme')).toEqual([key(NEW)]);
    expect(keysOf('inline')).toEqual([key(OLD)]);
  });

  it('keeps the running secrets when the file has a bad line, naming the file and line only', () => {
    writeFileSync(secrets, `${NEW}\n\nwhsec_not-quite-${NEW.slice(6)}\n`);
    const r = reload();
    expect(r.ok).toBe(false);
    const problems = !r.ok ? r.problems : [];
    expect(problems).toEqual([expect.stringMatching(/^clients\[0\]\.webhookSecretsFile \(client acme\): .*acme\.whsec line 3: must be "whsec_"/)]);
    expect(problems.join('\n')).not.toContain(NEW.slice(6));
    expect(keysOf('acme')).toEqual([key(NEW)]);
  });

  it('changes nothing but the secrets: a new callbackUrl and a new client wait for a restart', () => {
    writeFileSync(secrets, `${OLD}\n`);
    const changed = config('https://elsewhere.example/sms');
    changed.clients.push({ id: 'later', apiKey: 'l'.repeat(20), webhookSecrets: [NEW] });
    writeFileSync(path, JSON.stringify(changed));
    expect(reload().ok).toBe(true);
    expect(clients.get('acme')).toMatchObject({ callbackUrl: 'https://hooks.acme.example/sms' });
    expect(keysOf('acme')).toEqual([key(OLD)]);
    expect(clients.has('later')).toBe(false);
  });
});
