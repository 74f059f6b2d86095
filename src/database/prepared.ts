import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** At most this many distinct statement texts get a name (each is parsed once per connection). */
const MAX_NAMED = 256;
const names = new Map<string, string>();

/** Data sources whose statements go unnamed (DATABASE_PREPARED_STATEMENTS=false). */
const unnamed = new WeakSet<DataSource>();

/**
 * The name a statement text is prepared under (`rb_1`, `rb_2` ... in the order first seen), or
 * undefined once MAX_NAMED texts have a name: a text the process builds from a bounded set of
 * parts (a FHIR read, a search of a given shape) is parsed and planned once per pooled
 * connection, and a process that somehow builds unboundedly many runs the rest unnamed.
 */
export function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `rb_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Whether preparedQuery names its statements on this data source (the default) or sends them
 * unnamed. Unnamed is for a transaction pooler that does not track prepared statements
 * (PgBouncer before 1.21, or without `max_prepared_statements`): there the next statement may
 * run on another server connection, where the name was never prepared.
 */
export function setPreparedStatements(dataSource: DataSource, enabled: boolean): void {
  if (enabled) unnamed.delete(dataSource);
  else unnamed.add(dataSource);
}

/**
 * Runs one statement on the pool behind TypeORM's driver as a named prepared statement (outside
 * any transaction): each connection plans it once and reuses the plan, and no TypeORM query
 * runner is created for it. For statements on the hot path of a read (see CaseloadsService).
 * Unnamed (the extended protocol's unnamed statement, parsed each time) when the data source
 * has prepared statements off (setPreparedStatements).
 */
export async function preparedQuery<T extends QueryResultRow>(
  dataSource: DataSource,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const name = unnamed.has(dataSource) ? undefined : statementName(text);
  const { rows } = await pool.query<T>({ name, text, values });
  return rows;
}
