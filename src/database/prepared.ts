import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** At most this many distinct statement texts get a name (each is parsed once per connection). */
const MAX_NAMED = 256;
const names = new Map<string, string>();

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
 * Runs one statement on the pool behind TypeORM's driver as a named prepared statement (outside
 * any transaction): each connection plans it once and reuses the plan, and no TypeORM query
 * runner is created for it. For statements on the hot path of a read (see CaseloadsService).
 */
export async function preparedQuery<T extends QueryResultRow>(
  dataSource: DataSource,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const { rows } = await pool.query<T>({ name: statementName(text), text, values });
  return rows;
}
