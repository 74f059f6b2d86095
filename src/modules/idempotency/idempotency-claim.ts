import { EntityManager } from 'typeorm';

import type { AuditEntry } from '../audit/audit.service';
import { RequestContext } from '../../common/http/request-context';
import { IdempotencyRepository } from './idempotency.repository';

/**
 * Called by UnitOfWork.run only, inside a write's transaction, after its audit events: marks the
 * request's claimed key `committed` together with the write. A key that never reached this
 * (the request died before its transaction committed) may be taken over once stale and run again;
 * a committed one never runs again, even if the process died before storing the response.
 */
export async function commitIdempotencyClaim(
  manager: EntityManager,
  context: RequestContext | undefined,
  entries: readonly AuditEntry[],
): Promise<void> {
  const claim = context?.idempotencyClaim;
  if (!claim || !manager.queryRunner?.isTransactionActive) return;
  // What the write touched, kept (in memory, stored with the response) for a replay to re-check
  // scope and to name in its audit event: ids only.
  for (const entry of entries) {
    if (entry.clientId) (claim.clientIds ??= new Set()).add(entry.clientId);
    if (entry.resourceType && !claim.resourceType) {
      claim.resourceType = entry.resourceType;
      claim.resourceId = entry.resourceId ?? undefined;
    }
  }
  await IdempotencyRepository.markCommitted(manager, claim.principalId, claim.key);
}
