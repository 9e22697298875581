/** The two database backends the db suites run against, each on fresh storage that cleanup() removes. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../internal/db/client.js';
import { createTestDatabase } from '../support/postgres.js';

export interface OpenedBackend {
  database: Database;
  cleanup(): Promise<void>;
}

export const backends: { name: 'postgres' | 'pglite'; open(): Promise<OpenedBackend> }[] = [
  {
    name: 'postgres',
    async open() {
      const tdb = await createTestDatabase();
      const database = await openDatabase({ url: tdb.url, maxConnections: 4 });
      return {
        database,
        async cleanup() {
          await database.close();
          await tdb.drop();
        },
      };
    },
  },
  {
    name: 'pglite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'smsmesh-pglite-'));
      const database = await openDatabase({ dataDir: dir });
      return {
        database,
        async cleanup() {
          await database.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
