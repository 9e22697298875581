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
  });
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
