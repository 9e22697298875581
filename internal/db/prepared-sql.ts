/**
 * Statements run often with the same text (the status writer's batch statements): rendered to SQL text once, at
 * start, and run as named prepared statements.
 *
 * Through `db.execute`, drizzle renders the statement tree again on every run (escaping every name in it) and has
 * postgres.js send it unnamed. postgres.js then asks the server to describe an unnamed statement with parameters
 * before it binds them: two round trips, and PostgreSQL parses and plans the whole text every time. A named
 * statement is parsed once per connection and then costs one Bind/Execute round trip.
 *
 * postgres.js keys its prepared statements by their text, so the set on each connection stays as small as the set of
 * statements defined here. Behind a pooler that cannot carry prepared statements (PgBouncer in transaction mode
 * before 1.21), `?prepare=false` in DATABASE_URL turns them off for every query; this module then still saves the
 * rendering.
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect, type PgSession } from 'drizzle-orm/pg-core';

/** Anything that runs statements for drizzle: a database or a transaction. */
export interface PreparedExecutor {
  readonly _: { readonly session: Pick<PgSession, 'prepareQuery'> };
}

export interface PreparedSql<A extends readonly string[]> {
  /** The statement's text, as sent. */
  readonly text: string;
  /** Runs the statement with its arguments; the driver's result (read it with `rowsOf`). */
  run(executor: PreparedExecutor, ...args: A): Promise<unknown>;
}

const dialect = new PgDialect();

/**
 * Renders `build` once. Its arguments must be bound only as parameters, never spliced into the text: each one is
 * rendered as a marker, and a parameter that is not a marker, or a marker that is not used, fails here, at start.
 */
export function preparedSql<A extends readonly string[]>(name: string, arity: A['length'], build: (...args: A) => SQL): PreparedSql<A> {
  const markers = Array.from({ length: arity }, (_, i) => `\u0000${name}:${i}\u0000`);
  const query = dialect.sqlToQuery(build(...(markers as unknown as A)));
  const order = query.params.map((p) => {
    const i = typeof p === 'string' ? markers.indexOf(p) : -1;
    if (i < 0) throw new Error(`prepared statement ${name}: a parameter is not one of its arguments (${String(p)})`);
    return i;
  });
  for (let i = 0; i < arity; i++) {
    if (!order.includes(i)) throw new Error(`prepared statement ${name}: argument ${i} is not bound as a parameter`);
  }
  if (markers.some((m) => query.sql.includes(m))) throw new Error(`prepared statement ${name}: an argument is spliced into its text`);
  const text = query.sql;
  return {
    text,
    run(executor, ...args) {
      const params = order.map((i) => args[i]);
      // A name makes drizzle ask the driver for a prepared statement; the driver keys it by the text.
      return executor._.session.prepareQuery({ sql: text, params }, undefined, name, false).execute();
    },
  };
}
