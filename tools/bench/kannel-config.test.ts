import { describe, expect, it } from 'vitest';
import { kannelConfig } from './kannel.js';

const base = {
  adminPort: 1,
  smsboxPort: 2,
  sendsmsPort: 3,
  smscPort: 4,
  binds: 2,
  window: 100,
  store: 'spool' as const,
  storeDir: 'store',
  logDir: 'logs',
  logLevel: 2,
  db: { host: '127.0.0.1', port: 5432, user: 'postgres', password: '', database: 'bench', connections: 1 },
  username: 'u',
  password: 'p',
};

describe('Kannel config of the side-by-side bench', () => {
  it('keeps DLRs in PostgreSQL by default, with the connection and table groups', () => {
    const c = kannelConfig({ ...base, dlrStorage: 'pgsql' });
    expect(c).toContain('dlr-storage = pgsql');
    expect(c).toContain('group = pgsql-connection');
    expect(c).toContain('group = dlr-db');
    expect(c.match(/group = smsc\n/g)).toHaveLength(2);
  });

  it('keeps DLRs in memory with --kannel-dlr internal, and names no database', () => {
    const c = kannelConfig({ ...base, dlrStorage: 'internal' });
    expect(c).toContain('dlr-storage = internal');
    expect(c).not.toContain('pgsql-connection');
    expect(c).not.toContain('group = dlr-db');
  });
});
