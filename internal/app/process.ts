/**
 * The lifecycle every smsmesh command shares: --help, config load with readable errors, a JSON logger,
 * the Runtime, the roles, and an orderly stop on SIGTERM/SIGINT (stop intake, drain, close).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, envVarsSet, loadConfig, type Config } from '../config/load.js';
import { errorMessage } from '../core/errors.js';
import { largestFreshBacklog } from '../bus/consumer-backlog.js';
import { createLogger, type Logger } from '../log/logger.js';
import { cpuPriority } from './cpu-priority.js';
import { startPriorityGovernor } from './priority-governor.js';
import { envRead, paceSetByRoundTrips, planDatabase, ROLE_NEEDS, ROLES, secretsRead, type DatabasePlan, type Role } from './role-needs.js';
import { reloadConfig } from './reload.js';
import { openRuntime, type Runtime } from './runtime.js';
import { startRoles, type Stoppable } from './start-roles.js';
import { startStartupProbe } from './startup-probe.js';

export interface ProcessSpec {
  name: string;
  usage: string;
  roles: ReadonlySet<Role>;
  /** Every role in one process (`npm start`, `make dev`): the only layout that uses the embedded database unasked. */
  allInOne: boolean;
  /** The command line asked for the embedded database (--embedded-database); undefined when it cannot. */
  embeddedOption?: string;
  /** Extra command-line options (besides --help) the command accepts. */
  options?: Record<string, { type: 'string' | 'boolean' }>;
}

/**
 * A stop that has not finished by then ends the process anyway. Deployments give processes longer than this
 * (Kubernetes terminationGracePeriodSeconds, systemd TimeoutStopSec), so the process, not SIGKILL, decides.
 */
export const STOP_TIMEOUT_MS = 30_000;

/** The edge's HTTP port, or the metrics listener of a process without an edge (see start-roles.ts). */
function healthPort(roles: ReadonlySet<Role>, config: Readonly<Config>): number {
  if (roles.has('edge')) return config.port;
  const first = ROLES.find((r) => roles.has(r));
  return config.metricsPort ?? (first && ROLE_NEEDS[first].metricsPort) ?? 9101;
}

export const ENVIRONMENT_HELP = `Environment:
  SMSMESH_CONFIG    config file, YAML or JSON (default ./smsmesh.yaml; see smsmesh.example.yaml)
  NATS_URL          NATS server(s), comma-separated (default nats://127.0.0.1:4222)
  DATABASE_URL      postgres:// URL; needed by the status writer and the callback worker (and by the edge for GET /v1/messages/{id});
                    unset in the all-in-one process = embedded PostgreSQL (PGlite) under $SMSMESH_DATA_DIR/pglite
  SMSMESH_DATA_DIR  local data folder (default ./.data)
  PORT, HOST        HTTP listen address of the edge (default 0.0.0.0:8080)
  METRICS_PORT      /metrics, /healthz and /readyz of processes without the edge (9101 connector, 9102 status-writer,
                    9103 callbacks)
  LOG_LEVEL         trace|debug|info|warn|error (default info)
  SMSMESH_NICE      -20..19: CPU priority this process sets on itself; e.g. 10 on connector and status-writer
                    processes sharing cores with an edge keeps accept latency low under load. A process that leads
                    its own session (a systemd service) sets its session's autogroup, which Linux weighs between
                    sessions; any other the nice value of each of its threads, which counts within its session
  SMSMESH_NICE_BACKLOG  work waiting for a niced process (messages for a connector, events for a status writer) at
                    which it goes back to its starting priority until it has caught up and stayed so for 30 s,
                    so that overload does not starve it (default 1000; 0: never)`;

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

/** The first log line says what runs and where its state goes, and names variables set for nothing. */
function logStart(log: Logger, spec: ProcessSpec, plan: DatabasePlan, config: Readonly<Config>): void {
  const roles = [...spec.roles];
  // The flags it was started with: a launcher's choice (internal/app/node-flags.ts), so the log says which.
  const nodeFlags = process.execArgv;
  if (plan.kind === 'embedded') {
    log.info(
      { roles, database: 'embedded', dataDir: join(config.dataDir, 'pglite'), nodeFlags },
      'starting with the embedded database (PGlite) because DATABASE_URL is not set: its data stays with this one process; set DATABASE_URL for anything beyond local use',
    );
  } else if (plan.kind === 'none' && plan.edgeWithout) {
    log.info({ roles, database: 'none', nodeFlags }, 'starting without a status database (DATABASE_URL is not set): messages are accepted; GET /v1/messages/{id} answers 503');
  } else {
    log.info({ roles, database: plan.kind, nodeFlags }, 'starting');
  }
  const read = envRead(spec.roles, plan);
  const unread = envVarsSet().filter((v) => !read.has(v));
  if (unread.length > 0) log.warn({ unread }, `set but not read by this process (${roles.join(', ')}): ${unread.join(', ')}`);
}

/** How long a governed process's queue stays short before it is niced again: overload comes in minutes, not seconds. */
const CALM_MS = 30_000;

/**
 * Raising priority (a negative value) needs privilege; without it the process runs on at its current priority.
 * A process niced below where it started goes back there while its consumers fall behind (priority-governor.ts).
 * A process that leads its own session (a systemd service) sets its session's autogroup, which is what Linux weighs
 * against other services (cpu-priority.ts).
 */
function applyNice(nice: number, backlog: number, log: Logger): void {
  const priority = cpuPriority();
  const { scope } = priority;
  const started = priority.current();
  try {
    priority.set(nice);
  } catch (err) {
    log.warn({ nice, scope, current: started, err: errorMessage(err) }, 'could not set CPU priority (SMSMESH_NICE); running at the current one');
    return;
  }
  const governed = nice > started && backlog > 0;
  log.info(
    { nice, scope, ...(governed ? { normal: started, normalWhenWaiting: backlog } : {}) },
    governed ? `CPU priority set; back to ${started} once ${backlog} units of work wait for this process (SMSMESH_NICE_BACKLOG)` : 'CPU priority set',
  );
  if (!governed) return;
  startPriorityGovernor({
    plan: { behindAt: backlog, calmMs: CALM_MS },
    nice: { background: nice, normal: started },
    waiting: largestFreshBacklog,
    setPriority: (n) => priority.set(n),
    log,
  });
}

export async function runProcess(spec: ProcessSpec, argv = process.argv.slice(2)): Promise<void> {
  let help = false;
  let embeddedAsked = false;
  try {
    const parsed = parseArgs({ args: argv, options: { ...spec.options, help: { type: 'boolean', short: 'h' } }, strict: true });
    help = parsed.values.help === true;
    embeddedAsked = spec.embeddedOption !== undefined && (parsed.values as Record<string, unknown>)[spec.embeddedOption] === true;
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
    config = loadConfig(undefined, { secrets: secretsRead(spec.roles) });
  } catch (err) {
    process.stderr.write(`smsmesh ${spec.name}: ${err instanceof ConfigError ? err.message : errorMessage(err)}\n`);
    process.exit(2);
  }
  const plan = planDatabase(spec.roles, spec.allInOne, config.databaseUrl, embeddedAsked);
  if (plan.kind === 'refused') {
    process.stderr.write(`smsmesh ${spec.name}: ${plan.reason}\n`);
    process.exit(2);
  }
  const log: Logger = createLogger({ name: `smsmesh-${spec.name}`, level: config.logLevel });
  logStart(log, spec, plan, config);
  if (config.nice !== undefined) applyNice(config.nice, config.niceBacklog, log);
  let rt: Runtime;
  let roles: Stoppable[] | undefined;
  let stopping = false;
  // SIGHUP re-reads the config file (validated as at start) and applies what the roles can without a restart. The
  // handler is in place from here on: by default the signal would end a process still starting.
  process.on('SIGHUP', () => {
    if (!roles) log.warn({}, 'config reload ignored: the process is still starting; send SIGHUP again once it runs');
    else if (!stopping) reloadConfig(config.configPath, secretsRead(spec.roles), roles, log);
  });
  try {
    // The port that will answer health checks answers them already while the runtime starts (waiting for NATS…).
    const probe = await startStartupProbe({ port: healthPort(spec.roles, config), host: config.host, log });
    rt = await openRuntime({
      config,
      log,
      name: spec.name,
      withDatabase: plan.kind === 'postgres' || plan.kind === 'embedded',
      onPhase: (p) => probe?.setPhase(p),
      paceSetByRoundTrips: paceSetByRoundTrips(spec.roles),
    });
    // The role's own listener takes the port over.
    await probe?.close();
    roles = await startRoles(rt, spec.roles);
  } catch (err) {
    log.fatal({ err: errorMessage(err) }, 'start-up failed');
    process.exit(1);
  }
  const started = roles;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      log.error({}, 'stop took too long; exiting');
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    force.unref();
    for (const r of started) {
      await r.stop().catch((err: unknown) => log.error({ err: errorMessage(err) }, 'stop failed'));
    }
    await rt.close().catch(() => {});
    log.info({}, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
