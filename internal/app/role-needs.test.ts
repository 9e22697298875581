import { describe, expect, it } from 'vitest';
import { ENV_VARS } from '../config/load.js';
import { envRead, paceSetByRoundTrips, planDatabase, ROLE_NEEDS, ROLES, secretsRead, type Role } from './role-needs.js';

const set = (...r: Role[]) => new Set<Role>(r);
const URL = 'postgres://u@h/db';

describe('database plan', () => {
  it('falls back to the embedded database only in the all-in-one process', () => {
    expect(planDatabase(set(...ROLES), true, undefined)).toEqual({ kind: 'embedded' });
    expect(planDatabase(set(...ROLES), true, URL)).toEqual({ kind: 'postgres' });
  });

  it('refuses a status writer without DATABASE_URL, saying what to set', () => {
    for (const roles of [set('status-writer'), set('edge', 'status-writer'), set('connector', 'status-writer')]) {
      const p = planDatabase(roles, false, undefined);
      expect(p.kind).toBe('refused');
      expect(p.kind === 'refused' && p.reason).toMatch(/DATABASE_URL is not set, and the status-writer role needs PostgreSQL.*postgres:\/\//);
    }
  });

  it('uses the embedded database for a subset of roles only when asked', () => {
    expect(planDatabase(set('edge', 'status-writer'), false, undefined, true)).toEqual({ kind: 'embedded' });
    expect(planDatabase(set('edge', 'status-writer'), false, URL, true)).toEqual({ kind: 'postgres' });
    expect(planDatabase(set('connector'), false, undefined, true)).toEqual({ kind: 'none', edgeWithout: false });
  });

  it('runs an edge without a database, and a connector never opens one', () => {
    expect(planDatabase(set('edge'), false, undefined)).toEqual({ kind: 'none', edgeWithout: true });
    expect(planDatabase(set('edge', 'connector'), false, undefined)).toEqual({ kind: 'none', edgeWithout: true });
    expect(planDatabase(set('connector'), false, URL)).toEqual({ kind: 'none', edgeWithout: false });
    expect(planDatabase(set('edge'), false, URL)).toEqual({ kind: 'postgres' });
  });
});

describe('what roles read', () => {
  it('names only variables the environment schema has', () => {
    for (const needs of Object.values(ROLE_NEEDS)) for (const v of needs.env) expect(ENV_VARS).toContain(v);
  });

  it('reads METRICS_PORT only without an edge, and the data folder with the embedded database or a connector (its journal)', () => {
    expect(envRead(set('connector'), { kind: 'none', edgeWithout: false }).has('METRICS_PORT')).toBe(true);
    expect(envRead(set('edge', 'connector'), { kind: 'none', edgeWithout: true }).has('METRICS_PORT')).toBe(false);
    expect(envRead(set('edge', 'status-writer'), { kind: 'embedded' }).has('SMSMESH_DATA_DIR')).toBe(true);
    expect(envRead(set('edge', 'status-writer'), { kind: 'postgres' }).has('SMSMESH_DATA_DIR')).toBe(false);
    expect(envRead(set('connector'), { kind: 'none', edgeWithout: false }).has('SMSMESH_DATA_DIR')).toBe(true);
  });

  it('gives each role only its own secrets', () => {
    expect([...secretsRead(set('edge'))]).toEqual(['apiKeys']);
    expect([...secretsRead(set('connector'))]).toEqual(['smppPasswords']);
    expect([...secretsRead(set('status-writer'))]).toEqual([]);
    expect([...secretsRead(set('callbacks'))]).toEqual(['webhookSecrets']);
    expect([...secretsRead(set(...ROLES))].sort()).toEqual(['apiKeys', 'smppPasswords', 'webhookSecrets']);
  });
});

describe('when a process writes to NATS', () => {
  it('at the end of each loop turn with an edge or a connector; held only where every role takes its work in batches', () => {
    for (const roles of [set('edge'), set('connector'), set('connector', 'status-writer'), set('edge', 'callbacks'), set(...ROLES)]) {
      expect(paceSetByRoundTrips(roles)).toBe(true);
    }
    for (const roles of [set('status-writer'), set('callbacks'), set('status-writer', 'callbacks')]) expect(paceSetByRoundTrips(roles)).toBe(false);
  });
});
