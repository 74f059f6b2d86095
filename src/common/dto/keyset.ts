import { SelectQueryBuilder, ObjectLiteral } from 'typeorm';

import { decodeCursor } from './pagination';

/**
 * Newest-first keyset paging on (createdAt, id): stays fast at any depth, where OFFSET does not.
 * The cursor names the last row; its exact sort key is read back in SQL.
 * Fetches limit + 1 rows so toPage() can tell whether a next page exists.
 */
export function pageNewestFirst<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  query: { limit: number; cursor?: string },
  column = 'created_at',
): SelectQueryBuilder<T> {
  const after = decodeCursor(query.cursor);
  if (after) {
    // The position is re-read from the row itself: Postgres keeps microseconds, a JS Date only
    // milliseconds, so a key carried in the cursor could skip rows of the same millisecond.
    const table = qb.expressionMap.mainAlias?.metadata.tableName;
    qb.andWhere(
      `(${alias}.${column}, ${alias}.id) < (SELECT k.${column}, k.id FROM ${table} k WHERE k.id = :afterId::uuid)`,
      { afterId: after.id },
    );
  }
  return qb
    .orderBy(`${alias}.${column}`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .limit(query.limit + 1);
}
