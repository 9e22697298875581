/**
 * Table and column names for hand-written SQL, taken from the Drizzle schema: a statement that names a column
 * the schema no longer has fails to compile, and a renamed column is renamed in every statement.
 */
import { getTableColumns, getTableName, sql, type SQL, type Table } from 'drizzle-orm';

/** The table's name as an SQL identifier. */
export function tableName(t: Table): SQL {
  return sql`${sql.identifier(getTableName(t))}`;
}

/** Every column of the table as an unqualified SQL identifier, by its schema key (for insert lists, SET, aliases). */
export function columnNames<T extends Table>(t: T): { readonly [K in keyof T['_']['columns']]: SQL } {
  const out: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(getTableColumns(t))) out[key] = sql`${sql.identifier(column.name)}`;
  return out as { [K in keyof T['_']['columns']]: SQL };
}
