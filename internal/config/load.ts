/** Reads environment and config file once, validates them, and returns a frozen Config. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import { fileConfigSchema, type FileConfig } from './schema.js';
import { resolveSecretFiles, SECRET_KINDS, type SecretKind } from './secret-files.js';

export interface Config extends FileConfig {
  natsUrl: string;
  /** postgres:// URL, or undefined for the embedded database under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  metricsPort: number | undefined;
  logLevel: string;
  configPath: string;
  /** Scheduling niceness the process sets on itself at start; undefined leaves it as started. */
  nice: number | undefined;
  /**
   * Work waiting for the process's consumers at which a process niced by SMSMESH_NICE goes back to its starting
   * priority until it catches up (priority-governor.ts); 0 keeps the niceness fixed.
   */
  niceBacklog: number;
  /** AES-256 keys for inbound texts at rest (SMSMESH_TEXT_KEYS), base64; the last one encrypts, every one decrypts. */
  textKeys: readonly TextKey[];
}

export interface TextKey {
  id: string;
  /** 32 bytes, base64. */
  key: string;
}

/** `id:base64key,…`: each key 32 bytes (AES-256), ids unique. */
export function parseTextKeys(raw: string | undefined): { ok: true; keys: TextKey[] } | { ok: false; problem: string } {
  const keys: TextKey[] = [];
  if (raw === undefined || raw.trim() === '') return { ok: true, keys };
  for (const item of raw.split(',')) {
    const m = /^\s*([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=_-]+)\s*$/.exec(item);
    if (!m) return { ok: false, problem: 'each key must be id:base64key (id: 1 to 32 of A-Z a-z 0-9 _ -), separated by commas' };
    const [, id, b64] = m as unknown as [string, string, string];
    if (Buffer.from(b64, 'base64').length !== 32) return { ok: false, problem: `key "${id}" must be 32 bytes in base64 (openssl rand -base64 32)` };
    if (keys.some((k) => k.id === id)) return { ok: false, problem: `key id "${id}" is given twice` };
    keys.push({ id, key: b64 });
  }
  return { ok: true, keys };
}

export class ConfigError extends AppError {
  override readonly name = 'ConfigError';
  constructor(message: string, readonly problems: string[] = []) {
    super('CONFIG_INVALID', message);
  }
}

/** Every environment variable smsmesh reads: this object is the list (ENV_VARS below derives from it). */
const envSchema = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (unset it to use the embedded database)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  SMSMESH_CONFIG: z.string().default('smsmesh.yaml'),
  SMSMESH_DATA_DIR: z.string().default('.data'),
  SMSMESH_NICE: z.coerce.number().int().min(-20).max(19).optional().or(z.literal('').transform(() => undefined)),
  SMSMESH_NICE_BACKLOG: z.coerce.number().int().min(0).default(1000),
  SMSMESH_TEXT_KEYS: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      const r = parseTextKeys(v);
      if (!r.ok) ctx.addIssue({ code: 'custom', message: r.problem });
    }),
});

export type EnvVar = keyof typeof envSchema.shape;
export const ENV_VARS = Object.keys(envSchema.shape) as EnvVar[];

/** Which of smsmesh's variables are set (non-empty) in `env`. */
export function envVarsSet(env: NodeJS.ProcessEnv = process.env): EnvVar[] {
  return ENV_VARS.filter((v) => env[v] !== undefined && env[v] !== '');
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

function issuesToProblems(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((i) => `${prefix}${formatPath(i.path)}: ${i.message}`);
}

/** Validates an already-parsed config object; throws ConfigError naming every bad field. */
export function parseFileConfig(raw: unknown, source = 'config'): FileConfig {
  const r = fileConfigSchema.safeParse(raw);
  if (!r.success) {
    const problems = issuesToProblems(r.error);
    throw new ConfigError(`${source} is invalid:\n  - ${problems.join('\n  - ')}`, problems);
  }
  return r.data;
}

/** Reads and validates a config file; `secrets` are the kinds of `…File` secrets this process reads (all by default). */
export function readConfigFile(path: string, secrets: Iterable<SecretKind> = SECRET_KINDS): FileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}. ` +
        'Set SMSMESH_CONFIG to a YAML or JSON config file (see smsmesh.example.yaml), or run `make dev`.',
    );
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${String(err)}`);
  }
  const source = `config file ${path}`;
  const secretFiles = resolveSecretFiles(raw, { kinds: new Set(secrets), baseDir: dirname(path) });
  if (secretFiles.problems.length > 0) {
    throw new ConfigError(`${source} is invalid:\n  - ${secretFiles.problems.join('\n  - ')}`, secretFiles.problems);
  }
  return parseFileConfig(secretFiles.config, source);
}

function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const e = schema.safeParse(env);
  if (!e.success) {
    const problems = issuesToProblems(e.error, 'environment ');
    throw new ConfigError(`environment is invalid:\n  - ${problems.join('\n  - ')}`, problems);
  }
  return e.data;
}

/** DATABASE_URL alone, for commands that read nothing else (migrate). */
export function loadDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return parseEnv(envSchema.pick({ DATABASE_URL: true }), env).DATABASE_URL;
}

export interface LoadOptions {
  /** The kinds of `…File` secrets this process reads; the others are withheld. Default: all. */
  secrets?: Iterable<SecretKind>;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Readonly<Config> {
  const e = parseEnv(envSchema, env);
  const configPath = resolve(e.SMSMESH_CONFIG);
  const file = readConfigFile(configPath, opts.secrets);
  return deepFreeze({
    ...file,
    natsUrl: e.NATS_URL,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.SMSMESH_DATA_DIR),
    port: e.PORT,
    host: e.HOST,
    metricsPort: e.METRICS_PORT,
    logLevel: e.LOG_LEVEL,
    configPath,
    nice: e.SMSMESH_NICE,
    niceBacklog: e.SMSMESH_NICE_BACKLOG,
    textKeys: (parseTextKeys(e.SMSMESH_TEXT_KEYS) as { keys: TextKey[] }).keys,
  });
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
