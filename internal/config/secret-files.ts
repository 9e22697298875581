/**
 * Secrets kept out of the config file: `clients[].apiKeyFile` and `carriers[].smpp.passwordFile` name a file
 * (a mounted Kubernetes Secret, a file readable only by the service user) whose content becomes `apiKey` /
 * `smpp.password` before the config is validated. A process reads only the kinds its roles use, so an edge
 * never holds SMPP passwords and a connector never holds API keys.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export const SECRET_KINDS = ['apiKeys', 'smppPasswords'] as const;
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
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fileFields(raw: Record<string, unknown>): FileField[] {
  const out: FileField[] = [];
  const clients = Array.isArray(raw.clients) ? raw.clients : [];
  clients.forEach((c, i) => {
    if (isObject(c)) out.push({ kind: 'apiKeys', at: ['clients', i], field: 'apiKey' });
  });
  const carriers = Array.isArray(raw.carriers) ? raw.carriers : [];
  carriers.forEach((c, i) => {
    if (isObject(c) && isObject(c.smpp)) out.push({ kind: 'smppPasswords', at: ['carriers', i, 'smpp'], field: 'password' });
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
 * characters, unique per client; an SMPP password of 8), so the config validates the same in every role
 * while a role that does not use the secret cannot authenticate or bind with it.
 */
function withheld(kind: SecretKind): string {
  return kind === 'apiKeys' ? `withheld-${randomBytes(12).toString('hex')}` : randomBytes(4).toString('hex');
}

/** A secret file's content without the line end that `echo` and most editors add. */
function secretText(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/**
 * Returns a copy of the parsed config file with every `<field>File` replaced by `<field>`, and the problems
 * found (both forms given, an unreadable file), each naming the field.
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
    if (f.field in o) {
      problems.push(`${formatAt(f.at, fileKey)}: give either ${f.field} or ${fileKey}, not both`);
      continue;
    }
    if (typeof name !== 'string' || name === '') {
      problems.push(`${formatAt(f.at, fileKey)}: must be a file name`);
      continue;
    }
    if (!opts.kinds.has(f.kind)) {
      o[f.field] = withheld(f.kind);
      continue;
    }
    const path = isAbsolute(name) ? name : join(opts.baseDir, name);
    try {
      o[f.field] = secretText(read(path));
    } catch (err) {
      problems.push(`${formatAt(f.at, fileKey)}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  return { config, problems };
}
