/** Runs raw SQL on either driver and normalises the result: postgres.js answers with an array-like RowList, PGlite with `{ rows }`. */
import type { SQL } from 'drizzle-orm';

/** What both drizzle databases and their transactions offer for raw SQL. */
export interface SqlExecutor {
  execute(query: SQL): PromiseLike<unknown>;
}

export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  if (result !== null && typeof result === 'object' && 'rows' in result) {
    const rows = (result as { rows: unknown }).rows;
    if (Array.isArray(rows)) return rows as T[];
  }
  throw new TypeError('unrecognised query result shape: expected an array of rows or { rows: [] }');
}

export async function queryRows<T>(executor: SqlExecutor, query: SQL): Promise<T[]> {
  return rowsOf<T>(await executor.execute(query));
}
