import { SelectQueryBuilder, ObjectLiteral } from 'typeorm';

import { Pager } from './pagination';

/**
 * Newest-first keyset paging on (createdAt, id): stays fast at any depth, where OFFSET does not.
 * The pager's cursor (already verified: signed for this caller and this list) names the last row;
 * its exact sort key is read back in SQL.
 * Fetches limit + 1 rows so Pager.page() can tell whether a next page exists.
 */
export function pageNewestFirst<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  pager: Pager,
  column = 'created_at',
): SelectQueryBuilder<T> {
  const after = pager.after;
  if (after) {
    // The position is re-read from the row itself: Postgres keeps microseconds, a JS Date only
    // milliseconds, so a key carried in the cursor could skip rows of the same millisecond.
    // The row is one this list showed this caller (the cursor is signed), so the unscoped
    // look-up reveals nothing.
    const table = tableOf(qb);
    qb.andWhere(
      `(${alias}.${column}, ${alias}.id) < (SELECT k.${column}, k.id FROM ${table} k WHERE k.id = :afterId::uuid)`,
      { afterId: after.id },
    );
  }
  return qb
    .orderBy(`${alias}.${column}`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .limit(pager.limit + 1);
}

// An entity's table, or the table named in `.from('table', alias)` (which has no metadata).
function tableOf<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): string {
  const main = qb.expressionMap.mainAlias;
  const table = main?.hasMetadata ? main.metadata.tableName : main?.tablePath;
  if (!table) throw new Error('keyset paging needs a query with a main table');
  return table;
}
