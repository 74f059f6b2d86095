import { SelectQueryBuilder, ObjectLiteral } from 'typeorm';

import { decodeCursor } from './pagination';

/**
 * Newest-first keyset paging on (createdAt, id): stays fast at any depth, where OFFSET does not.
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
    qb.andWhere(`(${alias}.${column}, ${alias}.id) < (:afterKey::timestamptz, :afterId::uuid)`, {
      afterKey: after.key,
      afterId: after.id,
    });
  }
  return qb
    .orderBy(`${alias}.${column}`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .limit(query.limit + 1);
}
