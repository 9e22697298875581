/** A throwaway PostgreSQL cluster of a test's own (see tools/devstack/pg-cluster.ts). */
export { startPgCluster, type PgCluster } from '../../tools/devstack/pg-cluster.js';
