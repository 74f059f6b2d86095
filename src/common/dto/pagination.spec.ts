import { randomUUID } from 'node:crypto';

import { CursorScope, decodeCursor, encodeCursor, InvalidCursorError, Pager } from './pagination';

describe('signed cursors', () => {
  const me = { id: randomUUID() };
  const scope: CursorScope = { principal: me, list: 'clients' };
  const position = { key: '2026-11-22T14:05:00.123456Z', id: randomUUID() };
  const sut = encodeCursor(position, scope);
  const reject =
    (cursor: unknown, s: CursorScope = scope) =>
    () =>
      decodeCursor(cursor, s);

  it('should give back the position when the cursor was issued for this caller and list', () => {
    expect(decodeCursor(sut, scope)).toEqual(position);
    expect(decodeCursor(undefined, scope)).toBeUndefined();
  });

  it('should refuse a cursor of another caller or another list', () => {
    expect(reject(sut, { principal: { id: randomUUID() }, list: 'clients' })).toThrow(
      InvalidCursorError,
    );
    expect(reject(sut, { principal: me, list: 'users' })).toThrow(InvalidCursorError);
  });

  it('should refuse garbled, unsigned, tampered and oversized cursors', () => {
    const [payload, mac] = sut.split('.');
    const forged = Buffer.from(JSON.stringify([position.key, randomUUID()])).toString('base64url');
    const flipped = `${payload.slice(0, -1)}${payload.endsWith('A') ? 'B' : 'A'}.${mac}`;
    for (const bad of [
      '',
      'garbage',
      '%%%',
      payload,
      `${forged}.${mac}`,
      flipped,
      `${payload}.${mac}.x`,
      `${payload}.`,
      `${payload}.${mac.slice(1)}`,
      `${payload}.${'A'.repeat(mac.length)}`,
      ['a', 'b'],
      'x'.repeat(2000),
    ]) {
      expect(reject(bad)).toThrow(InvalidCursorError);
    }
  });

  it('should refuse a signed cursor whose key is not an instant where the list sorts by one', () => {
    const names = encodeCursor({ key: '["Doe","Jo"]', id: position.id }, scope);
    expect(reject(names)).toThrow(InvalidCursorError);
    const text = { ...scope, key: 'text' as const };
    expect(
      decodeCursor(encodeCursor({ key: '["Doe","Jo"]', id: position.id }, text), text),
    ).toEqual({ key: '["Doe","Jo"]', id: position.id });
  });

  it('should answer 400 INVALID_CURSOR with the cursor field', () => {
    const error = new InvalidCursorError();
    expect(error.code).toBe('INVALID_CURSOR');
    expect(error.extra.errors).toEqual([{ field: 'cursor', message: 'cursor is not valid' }]);
  });

  it('should sign the next cursor of a page so that the same pager accepts it', () => {
    const rows = [1, 2, 3].map((n) => ({ n, id: randomUUID() }));
    const first = new Pager({ limit: 2 }, scope);
    const page = first.page(
      rows,
      (r) => ({ key: `2026-01-0${r.n}T00:00:00.000Z`, id: r.id }),
      (r) => r.n,
    );
    expect(page.items).toEqual([1, 2]);
    const next = new Pager({ limit: 2, cursor: page.nextCursor ?? undefined }, scope);
    expect(next.after).toEqual({ key: '2026-01-02T00:00:00.000Z', id: rows[1].id });
    expect(
      next.page(
        rows.slice(2),
        () => position,
        (r) => r.n,
      ),
    ).toEqual({
      items: [3],
      nextCursor: null,
    });
  });
});
