import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { supervises } from '../../auth/access/scope.sql';
import { UserPrincipal } from '../../auth/principal';
import { CaseloadCapExceededError, SpecialistNotAssignableError } from './specialists.errors';

export const DEFAULT_CASELOAD_CAP = 25;

/**
 * SQL for a specialist's cap: their own override, else the organization's `caseloadCap`
 * setting, else 25. Needs `app_user` aliased `u`, `organization` `o`, `specialist_profile` `p`.
 */
export const EFFECTIVE_CAP_SQL = `coalesce(p.caseload_cap,
  CASE WHEN jsonb_typeof(o.settings -> 'caseloadCap') = 'number' THEN (o.settings ->> 'caseloadCap')::int END,
  ${DEFAULT_CASELOAD_CAP})`;

// The cap counts the clients on a caseload that are not closed (SPEC section 12).
const CAP_CHECK = `SELECT ${EFFECTIVE_CAP_SQL} AS cap,
    (SELECT count(*)::int FROM client c
      WHERE c.primary_specialist_id = u.id AND c.status <> 'closed' AND c.deleted_at IS NULL
        AND ($2::uuid IS NULL OR c.id <> $2)) AS active
  FROM app_user u JOIN organization o ON o.id = u.organization_id
  LEFT JOIN specialist_profile p ON p.user_id = u.id
  WHERE u.id = $1`;

const ASSIGNABLE = `SELECT 1 FROM app_user u
  WHERE u.id = $1 AND u.organization_id = $2 AND u.active AND u.role = 'peer_specialist'
    AND ${supervises('$3', 'u.id')}`;

/** Who may carry a caseload, and how many clients they may carry. */
@Injectable()
export class CaseloadRulesService {
  /** A supervisor assigns only active peer specialists on the teams they supervise. */
  async requireAssignable(
    m: EntityManager,
    supervisor: UserPrincipal,
    specialistId: string,
  ): Promise<void> {
    const rows = await m.query(ASSIGNABLE, [
      specialistId,
      supervisor.organizationId,
      supervisor.id,
    ]);
    if (rows.length === 0) throw new SpecialistNotAssignableError();
  }

  /**
   * Throws when one more client would pass the specialist's cap. Locks the specialist's row
   * first, so two concurrent assignments cannot both take the last place.
   */
  async assertUnderCap(
    m: EntityManager,
    specialistId: string,
    excludeClientId: string | null = null,
  ): Promise<void> {
    await m.query(`SELECT 1 FROM app_user WHERE id = $1 FOR NO KEY UPDATE`, [specialistId]);
    const [row]: { cap: number; active: number }[] = await m.query(CAP_CHECK, [
      specialistId,
      excludeClientId,
    ]);
    if (row && row.active >= row.cap) throw new CaseloadCapExceededError();
  }
}
