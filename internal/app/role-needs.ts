/**
 * What each role needs from its surroundings: the environment variables it reads, the secrets it resolves,
 * its database, and the port of its metrics listener. Processes start from this table (database and secrets),
 * warn about variables none of their roles read, and the deployment tests check the manifests against it.
 */
import type { EnvVar } from '../config/load.js';
import type { SecretKind } from '../config/secret-files.js';

export const ROLES = ['edge', 'connector', 'status-writer', 'callbacks'] as const;
export type Role = (typeof ROLES)[number];
/** A command that is not a gateway role but runs from the same image. */
export type Command = Role | 'migrate';

/** none: never opens it; optional: without DATABASE_URL the role runs without it; required: refuses to start without it. */
export type DatabaseUse = 'none' | 'optional' | 'required';

export interface RoleNeeds {
  env: readonly EnvVar[];
  secrets: readonly SecretKind[];
  database: DatabaseUse;
  /** METRICS_PORT default when this role runs without an edge in its process (the edge serves /metrics itself). */
  metricsPort?: number;
  /**
   * Whether the role's pace is set by NATS round trips, so that its process writes to NATS at the end of each loop
   * turn instead of holding writes to send them together (write-coalescing.ts). An edge's answer waits on its
   * PubAck; a connector on a small SMPP window sends its next submit_sm only once the last message's event is stored,
   * its MT acked and the next one pulled. The status writer and the callback worker take their work in batches.
   */
  paceSetByRoundTrips: boolean;
}

/** Read by every gateway role (config, bus, logs, CPU priority). */
const COMMON: readonly EnvVar[] = ['SMSMESH_CONFIG', 'NATS_URL', 'LOG_LEVEL', 'SMSMESH_NICE', 'SMSMESH_NICE_BACKLOG'];

export const ROLE_NEEDS: Readonly<Record<Command, RoleNeeds>> = {
  // DATABASE_URL: GET /v1/messages/{id} reads the status database; without it that route answers 503.
  // SMSMESH_TEXT_KEYS: inbound texts are encrypted at rest by the status writer and decrypted by the edge's GET /v1/inbound.
  edge: { env: [...COMMON, 'PORT', 'HOST', 'DATABASE_URL', 'SMSMESH_TEXT_KEYS'], secrets: ['apiKeys'], database: 'optional', paceSetByRoundTrips: true },
  // SMSMESH_DATA_DIR: the journal that keeps receipts and MO while NATS is away (connector.receiptHoldMs).
  connector: {
    env: [...COMMON, 'METRICS_PORT', 'HOST', 'SMSMESH_DATA_DIR'],
    secrets: ['smppPasswords'],
    database: 'none',
    metricsPort: 9101,
    paceSetByRoundTrips: true,
  },
  'status-writer': {
    env: [...COMMON, 'METRICS_PORT', 'HOST', 'DATABASE_URL', 'SMSMESH_TEXT_KEYS'],
    secrets: [],
    database: 'required',
    metricsPort: 9102,
    paceSetByRoundTrips: false,
  },
  // DATABASE_URL: the messages that changes are about, and failed callbacks (GET /v1/callbacks/failed).
  // webhookSecrets: the callback worker is the only role that signs.
  callbacks: {
    env: [...COMMON, 'METRICS_PORT', 'HOST', 'DATABASE_URL'],
    secrets: ['webhookSecrets'],
    database: 'required',
    metricsPort: 9103,
    paceSetByRoundTrips: false,
  },
  migrate: { env: ['DATABASE_URL'], secrets: [], database: 'required', paceSetByRoundTrips: false },
};

/** The embedded database's folder is read only when the all-in-one process runs without DATABASE_URL. */
export const EMBEDDED_DATABASE_ENV: EnvVar = 'SMSMESH_DATA_DIR';

export type DatabasePlan =
  | { kind: 'postgres' }
  | { kind: 'embedded' }
  | { kind: 'none'; edgeWithout: boolean }
  | { kind: 'refused'; reason: string };

/**
 * Where a process's roles keep their state. Only the all-in-one process (every role, `npm start`, `make dev`)
 * falls back to the embedded database: anywhere else it would live and die with one pod or one process, and
 * the states the status writer records there would be lost with it. `embeddedAsked` is a developer's explicit
 * `--embedded-database` (a local layout with the connector in a process of its own, which needs none).
 */
export function planDatabase(roles: ReadonlySet<Role>, allInOne: boolean, databaseUrl: string | undefined, embeddedAsked = false): DatabasePlan {
  const uses = [...roles].map((r) => ROLE_NEEDS[r].database);
  if (uses.every((u) => u === 'none')) return { kind: 'none', edgeWithout: false };
  if (databaseUrl) return { kind: 'postgres' };
  if (allInOne || embeddedAsked) return { kind: 'embedded' };
  const needing = [...roles].filter((r) => ROLE_NEEDS[r].database === 'required');
  if (needing.length > 0) {
    return {
      kind: 'refused',
      reason:
        `DATABASE_URL is not set, and the ${needing.join(', ')} role needs PostgreSQL: it records message states there. ` +
        'Set DATABASE_URL=postgres://user:password@host:5432/database. (Only the all-in-one process, `npm start` or ' +
        '`make dev`, falls back to an embedded database, whose data stays with that one process; for local use, ' +
        '`smsmesh --roles … --embedded-database` asks for it.)',
    };
  }
  return { kind: 'none', edgeWithout: roles.has('edge') };
}

/** Environment variables a process with these roles reads. */
export function envRead(roles: ReadonlySet<Role>, plan: DatabasePlan): Set<EnvVar> {
  const out = new Set<EnvVar>();
  for (const r of roles) for (const v of ROLE_NEEDS[r].env) out.add(v);
  // The edge serves /metrics on its own port: with an edge in the process no metrics listener opens.
  if (roles.has('edge')) out.delete('METRICS_PORT');
  if (plan.kind === 'embedded') out.add(EMBEDDED_DATABASE_ENV);
  return out;
}

/** Whether a process with these roles writes to NATS at the end of each loop turn (see `paceSetByRoundTrips`). */
export function paceSetByRoundTrips(roles: ReadonlySet<Role>): boolean {
  return [...roles].some((r) => ROLE_NEEDS[r].paceSetByRoundTrips);
}

export function secretsRead(roles: ReadonlySet<Role>): Set<SecretKind> {
  return new Set([...roles].flatMap((r) => ROLE_NEEDS[r].secrets));
}
