/** Reads environment and config file once, validates them, and returns a frozen Config. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import { fileConfigSchema, type FileConfig } from './schema.js';

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

export function readConfigFile(path: string): FileConfig {
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
  return parseFileConfig(raw, `config file ${path}`);
}

export type Environment = z.output<typeof envSchema>;

/** The environment alone, validated (for commands that need no config file, such as migrate). */
export function loadEnvironment(env: NodeJS.ProcessEnv = process.env): Readonly<Environment> {
  const e = envSchema.safeParse(env);
  if (!e.success) {
    const problems = issuesToProblems(e.error, 'environment ');
    throw new ConfigError(`environment is invalid:\n  - ${problems.join('\n  - ')}`, problems);
  }
  return Object.freeze(e.data);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const e = { data: loadEnvironment(env) };
  const configPath = resolve(e.data.SMSMESH_CONFIG);
  const file = readConfigFile(configPath);
  return deepFreeze({
    ...file,
    natsUrl: e.data.NATS_URL,
    databaseUrl: e.data.DATABASE_URL,
    dataDir: resolve(e.data.SMSMESH_DATA_DIR),
    port: e.data.PORT,
    host: e.data.HOST,
    metricsPort: e.data.METRICS_PORT,
    logLevel: e.data.LOG_LEVEL,
    configPath,
    nice: e.data.SMSMESH_NICE,
  });
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
