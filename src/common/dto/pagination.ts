import { createHmac, timingSafeEqual } from 'node:crypto';

import { loadConfig } from '../../config/configuration';
import { DomainError } from '../errors/domain-error';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A keyset position: the sort key (an ISO instant or another string) and the row id. */
export interface Keyset {
  key: string;
  id: string;
}

/** What a list's sort key is: an instant (checked as one) or free text the list parses itself. */
export type CursorKeyKind = 'instant' | 'text';

/**
 * Where a cursor is valid. A cursor is signed for one principal and one list (with its parent,
 * e.g. `timeline:<clientId>`): another caller's cursor, or one from another list, is refused, so a
 * cursor only ever names a row the server already showed its holder on that list.
 */
export interface CursorScope {
  principal: { id: string };
  list: string;
  /** Default `instant`. */
  key?: CursorKeyKind;
}

/** Longer than any cursor the API issues (a caseload's names are the longest key). */
export const MAX_CURSOR_LENGTH = 1024;
const MAC_BYTES = 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** 400 INVALID_CURSOR: the cursor was not issued by this list to this caller, or is garbled. */
export class InvalidCursorError extends DomainError {
  constructor() {
    super('INVALID_CURSOR', 'The cursor is not valid; request the first page again.', {
      errors: [{ field: 'cursor', message: 'cursor is not valid' }],
    });
  }
}

function mac(scope: CursorScope, payload: string): Buffer {
  return createHmac('sha256', loadConfig().paging.cursorKey)
    .update(`rb-cursor-v1\n${scope.list}\n${scope.principal.id}\n${payload}`)
    .digest()
    .subarray(0, MAC_BYTES);
}

export function encodeCursor(position: Keyset, scope: CursorScope): string {
  const payload = Buffer.from(JSON.stringify([position.key, position.id])).toString('base64url');
  return `${payload}.${mac(scope, payload).toString('base64url')}`;
}

/**
 * The position a cursor names, once its signature, shape and key are checked; undefined without
 * a cursor. Anything else is INVALID_CURSOR, before any SQL sees the values.
 */
export function decodeCursor(cursor: unknown, scope: CursorScope): Keyset | undefined {
  if (cursor === undefined) return undefined;
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH) {
    throw new InvalidCursorError();
  }
  const [payload, signature, ...rest] = cursor.split('.');
  if (rest.length > 0 || !payload || !signature) throw new InvalidCursorError();
  if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) throw new InvalidCursorError();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== MAC_BYTES || !timingSafeEqual(given, mac(scope, payload))) {
    throw new InvalidCursorError();
  }
  const position = parsePosition(payload);
  if (!position || !validKey(position.key, scope.key ?? 'instant')) throw new InvalidCursorError();
  return position;
}

function parsePosition(payload: string): Keyset | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [key, id] = value as unknown[];
    if (typeof key !== 'string' || typeof id !== 'string' || !UUID.test(id)) return undefined;
    return { key, id };
  } catch {
    return undefined;
  }
}

function validKey(key: string, kind: CursorKeyKind): boolean {
  if (kind === 'text') return true;
  return INSTANT.test(key) && !Number.isNaN(Date.parse(key));
}

/**
 * One page request of a list: its limit and the checked position of its cursor. Every paged list
 * builds one, so every cursor is verified the same way and every `nextCursor` is signed.
 */
export class Pager {
  readonly limit: number;
  /** The position after which the page starts; undefined on the first page. */
  readonly after: Keyset | undefined;

  constructor(
    query: { limit: number; cursor?: unknown },
    private readonly scope: CursorScope,
  ) {
    this.limit = query.limit;
    this.after = decodeCursor(query.cursor, scope);
  }

  /**
   * Builds a page from rows fetched with `limit + 1`: the extra row only tells that a next page
   * exists. `position` gives the keyset of a row.
   */
  page<R, T>(rows: R[], position: (row: R) => Keyset, map: (row: R) => T): Page<T> {
    const hasMore = rows.length > this.limit;
    const pageRows = hasMore ? rows.slice(0, this.limit) : rows;
    const last = pageRows[pageRows.length - 1];
    return {
      items: pageRows.map(map),
      nextCursor: hasMore && last ? encodeCursor(position(last), this.scope) : null,
    };
  }
}
