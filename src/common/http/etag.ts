import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { DomainError, NotFoundError } from '../errors/domain-error';

export const etagOf = (version: number): string => `"${version}"`;

/**
 * The version the caller last saw, from `If-Match`. Missing -> 428; unparseable -> 412 (it can
 * never match).
 */
export const IfMatch = createParamDecorator((_: unknown, ctx: ExecutionContext): number => {
  const header = ctx.switchToHttp().getRequest().headers['if-match'];
  if (typeof header !== 'string' || header.trim() === '') {
    throw new DomainError('PRECONDITION_REQUIRED', 'This update requires an If-Match header.');
  }
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
  if (!match) throw staleError();
  return Number(match[1]);
});

/**
 * For actions where If-Match is optional (like the other state actions, which take none): the
 * version the caller last saw when the header is sent (unparseable -> 412), else undefined.
 */
export const OptionalIfMatch = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): number | undefined => {
    const header = ctx.switchToHttp().getRequest().headers['if-match'];
    if (typeof header !== 'string' || header.trim() === '') return undefined;
    const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
    if (!match) throw staleError();
    return Number(match[1]);
  },
);

export const staleError = (): DomainError =>
  new DomainError('PRECONDITION_FAILED', 'The record changed since you read it; reload and retry.');

/**
 * The lost-update-proof write: `UPDATE ... SET version = version + 1 WHERE id AND version =
 * expected`. Zero rows is 412 when the row is there, 404 when it is not (or out of scope).
 */
export async function updateVersioned<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  where: { id: string; organizationId: string },
  expectedVersion: number,
  patch: QueryDeepPartialEntity<T>,
): Promise<void> {
  const result = await manager
    .createQueryBuilder()
    .update(target)
    .set({ ...patch, version: () => 'version + 1' } as QueryDeepPartialEntity<T>)
    .where('id = :id AND organization_id = :organizationId AND version = :expectedVersion', {
      ...where,
      expectedVersion,
    })
    .execute();
  if (result.affected) return;
  const exists = await manager
    .createQueryBuilder(target, 't')
    .where('t.id = :id AND t.organization_id = :organizationId', where)
    .getExists();
  throw exists ? staleError() : new NotFoundError();
}
