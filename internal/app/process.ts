/**
 * The lifecycle every smsmesh command shares: --help, config load with readable errors, a JSON logger,
 * the Runtime, the roles, and an orderly stop on SIGTERM/SIGINT (stop intake, drain, close).
 */
import { getPriority, setPriority } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/load.js';
import { errorMessage } from '../core/errors.js';
import { createLogger, type Logger } from '../log/logger.js';
import { openRuntime, type Runtime } from './runtime.js';
import { startStartupProbe } from './startup-probe.js';

export interface Stoppable {
  stop(): Promise<void>;
}

export interface ProcessSpec {
  name: string;
  usage: string;
  /** Whether the process opens the database; a function decides from the loaded config. */
  withDatabase: boolean | ((config: Readonly<Config>) => boolean);
  /** Extra command-line options (besides --help) the command accepts. */
  options?: Record<string, { type: 'string' | 'boolean' }>;
  /** Starts the roles; returns them in the order they must stop. */
  start(rt: Runtime): Promise<Stoppable[]>;
  /** The HTTP port that answers /healthz and /readyz (503 with the reason) while the runtime starts. */
  probePort?: (config: Readonly<Config>) => number | undefined;
}

export const ENVIRONMENT_HELP = `Environment:
  SMSMESH_CONFIG    config file, YAML or JSON (default ./smsmesh.yaml; see smsmesh.example.yaml)
  NATS_URL          NATS server(s), comma-separated (default nats://127.0.0.1:4222)
  DATABASE_URL      postgres:// URL; unset = embedded PostgreSQL (PGlite) under $SMSMESH_DATA_DIR/pglite
  SMSMESH_DATA_DIR  local data folder (default ./.data)
  PORT, HOST        HTTP listen address of the edge (default 0.0.0.0:8080)
  METRICS_PORT      /metrics port for processes without the edge
  LOG_LEVEL         trace|debug|info|warn|error (default info)
  SMSMESH_NICE      -20..19: CPU priority this process sets on itself; e.g. 10 on connector and status-writer
                    processes sharing cores with an edge keeps accept latency low under load`;

export const ROLES = ['edge', 'connector', 'status-writer'] as const;
export type Role = (typeof ROLES)[number];
/** Names earlier releases used, still accepted. */
const ROLE_ALIASES: Readonly<Record<string, Role>> = { 'dlr-writer': 'status-writer' };

/** Reads --roles a,b from argv; all roles when absent. Exits with usage on an unknown role. */
export function selectRoles(argv: string[]): { all: boolean; set: Set<Role> } {
  const i = argv.findIndex((a) => a === '--roles' || a.startsWith('--roles='));
  if (i < 0) return { all: true, set: new Set(ROLES) };
  const raw = argv[i]!.includes('=') ? argv[i]!.split('=')[1]! : (argv[i + 1] ?? '');
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean).map((n) => ROLE_ALIASES[n] ?? n);
  const bad = names.filter((n) => !(ROLES as readonly string[]).includes(n));
  if (names.length === 0 || bad.length > 0) {
    process.stderr.write(`--roles takes a comma-separated list of ${ROLES.join(', ')}${bad.length ? ` (unknown: ${bad.join(', ')})` : ''}\n`);
    process.exit(2);
  }
  const set = new Set(names as Role[]);
  return { all: set.size === ROLES.length, set };
}

/** Raising priority (a negative value) needs privilege; without it the process runs on at its current priority. */
function applyNice(nice: number, log: Logger): void {
  try {
    setPriority(nice);
    log.info({ nice }, 'CPU priority set');
  } catch (err) {
    log.warn({ nice, current: getPriority(), err: errorMessage(err) }, 'could not set CPU priority (SMSMESH_NICE); running at the current one');
  }
}

export async function runProcess(spec: ProcessSpec, argv = process.argv.slice(2)): Promise<void> {
  let help = false;
  try {
    const parsed = parseArgs({ args: argv, options: { ...spec.options, help: { type: 'boolean', short: 'h' } }, strict: true });
    help = parsed.values.help === true;
  } catch (err) {
    process.stderr.write(`${errorMessage(err)}\n\n${spec.usage}\n\n${ENVIRONMENT_HELP}\n`);
    process.exit(2);
  }
  if (help) {
    process.stdout.write(`${spec.usage}\n\n${ENVIRONMENT_HELP}\n`);
    return;
  }
  let config: Readonly<Config>;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`smsmesh ${spec.name}: ${err instanceof ConfigError ? err.message : errorMessage(err)}\n`);
    process.exit(2);
  }
  const log: Logger = createLogger({ name: `smsmesh-${spec.name}`, level: config.logLevel });
  if (config.nice !== undefined) applyNice(config.nice, log);
  let rt: Runtime;
  let roles: Stoppable[];
  try {
    const withDatabase = typeof spec.withDatabase === 'function' ? spec.withDatabase(config) : spec.withDatabase;
    const probePort = spec.probePort?.(config);
    const probe = probePort !== undefined ? await startStartupProbe({ port: probePort, host: config.host, log }) : undefined;
    rt = await openRuntime({ config, log, name: spec.name, withDatabase, onPhase: (p) => probe?.setPhase(p) });
    // The role's own listener takes the port over.
    await probe?.close();
    roles = await spec.start(rt);
  } catch (err) {
    log.fatal({ err: errorMessage(err) }, 'start-up failed');
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      log.error({}, 'stop took too long; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    for (const r of roles) {
      await r.stop().catch((err: unknown) => log.error({ err: errorMessage(err) }, 'stop failed'));
    }
    await rt.close().catch(() => {});
    log.info({}, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
