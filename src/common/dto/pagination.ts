import { ValidationError } from '../errors/domain-error';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A keyset position: the sort key (an ISO instant or another string) and the row id. */
export interface Keyset {
  key: string;
  id: string;
}

export function encodeCursor(position: Keyset): string {
  return Buffer.from(JSON.stringify([position.key, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Keyset | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof key === 'string' && typeof id === 'string') return { key, id };
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError([{ field: 'cursor', message: 'cursor is not valid' }]);
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only tells that a next page
 * exists. `position` gives the keyset of a row.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  position: (row: R) => Keyset,
  map: (row: R) => T,
): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(map),
    nextCursor: hasMore && last ? encodeCursor(position(last)) : null,
  };
}
