/**
 * Secrets kept out of the config file: `clients[].apiKeyFile`, `clients[].webhookSecretsFile` and
 * `carriers[].smpp.passwordFile` name a file (a mounted Kubernetes Secret, a file readable only by the service
 * user) whose content becomes `apiKey` / `webhookSecrets` / `smpp.password` before the config is validated. A
 * process reads only the kinds its roles use, so an edge never holds SMPP passwords or webhook secrets and a
 * connector never holds API keys.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseWebhookSecretsFile } from './webhook-secrets-file.js';

export const SECRET_KINDS = ['apiKeys', 'smppPasswords', 'webhookSecrets'] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];

export interface SecretFileOptions {
  /** The kinds this process reads; the others are withheld (see `withheld`). */
  kinds: ReadonlySet<SecretKind>;
  /** Relative file names are taken from here (the config file's folder). */
  baseDir: string;
  read?: (path: string) => string;
}

interface FileField {
  kind: SecretKind;
  /** Path of the object holding the pair, e.g. ['carriers', 0, 'smpp']. */
  at: (string | number)[];
  field: string;
  /** Whose secret it is, e.g. `client demo`, so a problem is found without counting list entries. */
  owner: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ownerOf = (what: string, o: Record<string, unknown>, i: number): string => (typeof o.id === 'string' ? `${what} ${o.id}` : `${what} number ${i + 1}`);

function fileFields(raw: Record<string, unknown>): FileField[] {
  const out: FileField[] = [];
  const clients = Array.isArray(raw.clients) ? raw.clients : [];
  clients.forEach((c, i) => {
    if (!isObject(c)) return;
    out.push({ kind: 'apiKeys', at: ['clients', i], field: 'apiKey', owner: ownerOf('client', c, i) });
    out.push({ kind: 'webhookSecrets', at: ['clients', i], field: 'webhookSecrets', owner: ownerOf('client', c, i) });
  });
  const carriers = Array.isArray(raw.carriers) ? raw.carriers : [];
  carriers.forEach((c, i) => {
    if (isObject(c) && isObject(c.smpp)) out.push({ kind: 'smppPasswords', at: ['carriers', i, 'smpp'], field: 'password', owner: ownerOf('carrier', c, i) });
  });
  return out;
}

function formatAt(at: (string | number)[], key: string): string {
  let s = '';
  for (const p of [...at, key]) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

function objectAt(root: Record<string, unknown>, at: (string | number)[]): Record<string, unknown> {
  let o: unknown = root;
  for (const p of at) o = (o as Record<string | number, unknown>)[p];
  return o as Record<string, unknown>;
}

/**
 * What a withheld secret becomes: a random value nobody knows, valid for the schema (an API key of 32
 * characters, unique per client; an SMPP password of 8; one webhook secret), so the config validates the same
 * in every role while a role that does not use the secret cannot authenticate, bind or sign with it.
 */
function withheld(kind: SecretKind): unknown {
  switch (kind) {
    case 'apiKeys':
      return `withheld-${randomBytes(12).toString('hex')}`;
    case 'smppPasswords':
      return randomBytes(4).toString('hex');
    case 'webhookSecrets':
      return [`whsec_${randomBytes(32).toString('base64')}`];
  }
}

/** A file's text as the field's value, or what is wrong with it (never the secret itself). */
function fromFile(kind: SecretKind, text: string, path: string): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  if (kind === 'webhookSecrets') {
    const r = parseWebhookSecretsFile(text, path);
    return r.ok ? { ok: true, value: r.secrets } : r;
  }
  // Without the line end that `echo` and most editors add.
  return { ok: true, value: text.replace(/\r?\n$/, '') };
}

/**
 * Returns a copy of the parsed config file with every `<field>File` replaced by `<field>`, and the problems
 * found (both forms given, an unreadable file, a bad line of a webhook secrets file), each naming the field and
 * whose it is.
 */
export function resolveSecretFiles(raw: unknown, opts: SecretFileOptions): { config: unknown; problems: string[] } {
  if (!isObject(raw)) return { config: raw, problems: [] };
  const config = structuredClone(raw);
  const read = opts.read ?? ((p: string) => readFileSync(p, 'utf8'));
  const problems: string[] = [];
  for (const f of fileFields(config)) {
    const o = objectAt(config, f.at);
    const fileKey = `${f.field}File`;
    if (!(fileKey in o)) continue;
    const name = o[fileKey];
    delete o[fileKey];
    const where = `${formatAt(f.at, fileKey)} (${f.owner})`;
    if (f.field in o) {
      problems.push(`${where}: give either ${f.field} or ${fileKey}, not both`);
      continue;
    }
    if (typeof name !== 'string' || name === '') {
      problems.push(`${where}: must be a file name`);
      continue;
    }
    if (!opts.kinds.has(f.kind)) {
      o[f.field] = withheld(f.kind);
      continue;
    }
    const path = isAbsolute(name) ? name : join(opts.baseDir, name);
    let text: string;
    try {
      text = read(path);
    } catch (err) {
      problems.push(`${where}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      continue;
    }
    const r = fromFile(f.kind, text, path);
    if (r.ok) o[f.field] = r.value;
    else problems.push(...r.problems.map((p) => `${where}: ${p}`));
  }
  return { config, problems };
}
