import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { preparedSql, type PreparedExecutor } from './prepared-sql.js';

/** Records what the statement hands the session: the one thing run() decides is the text, the parameters and a name. */
function recordingExecutor() {
  const calls: { sql: string; params: unknown[]; name: string | undefined }[] = [];
  const executor = {
    _: {
      session: {
        prepareQuery(query: { sql: string; params: unknown[] }, _fields: unknown, name: string | undefined) {
          calls.push({ sql: query.sql, params: query.params, name });
          return { execute: () => Promise.resolve([]) };
        },
      },
    },
  } as unknown as PreparedExecutor;
  return { executor, calls };
}

describe('preparedSql', () => {
  it('renders the statement once, names and table quoted, each argument a numbered parameter', () => {
    const st = preparedSql('t_one', 1, (json: string) => sql`select * from ${sql.identifier('my table')} where x = ${json}::json`);
    expect(st.text).toBe('select * from "my table" where x = $1::json');
  });

  it('binds arguments in the order the text uses them, also when used twice or out of order', async () => {
    const st = preparedSql('t_order', 2, (a: string, b: string) => sql`select ${b}, ${a}, ${b}`);
    expect(st.text).toBe('select $1, $2, $3');
    const { executor, calls } = recordingExecutor();
    await st.run(executor, 'A', 'B');
    expect(calls).toEqual([{ sql: 'select $1, $2, $3', params: ['B', 'A', 'B'], name: 't_order' }]);
  });

  it('refuses a statement that splices an argument into its text', () => {
    expect(() => preparedSql('t_raw', 1, (a: string) => sql`select ${sql.raw(a)}`)).toThrow(/argument 0 is not bound as a parameter/);
  });

  it('refuses a statement with an argument it never uses', () => {
    expect(() => preparedSql('t_unused', 2, (a: string, _b: string) => sql`select ${a}`)).toThrow(/argument 1 is not bound/);
  });

  it('refuses a parameter that is not an argument: it would be frozen at its first value', () => {
    const now = 'fixed';
    expect(() => preparedSql('t_const', 1, (a: string) => sql`select ${a}, ${now}`)).toThrow(/a parameter is not one of its arguments \(fixed\)/);
  });
});
