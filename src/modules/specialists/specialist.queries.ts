import { supervises } from '../../auth/access/scope.sql';

export const DEFAULT_CASELOAD_CAP = 25;

/**
 * SQL for a specialist's cap: their own override, else the organization's `caseloadCap`
 * setting, else 25. Needs `app_user` aliased `u`, `organization` `o`, `specialist_profile` `p`.
 */
export const EFFECTIVE_CAP_SQL = `coalesce(p.caseload_cap,
  CASE WHEN jsonb_typeof(o.settings -> 'caseloadCap') = 'number' THEN (o.settings ->> 'caseloadCap')::int END,
  ${DEFAULT_CASELOAD_CAP})`;

// The cap counts the clients on a caseload that are not closed (SPEC section 12).
export const CAP_CHECK = `SELECT ${EFFECTIVE_CAP_SQL} AS cap,
    (SELECT count(*)::int FROM client c
      WHERE c.primary_specialist_id = u.id AND c.status <> 'closed' AND c.deleted_at IS NULL
        AND ($2::uuid IS NULL OR c.id <> $2)) AS active
  FROM app_user u JOIN organization o ON o.id = u.organization_id
  LEFT JOIN specialist_profile p ON p.user_id = u.id
  WHERE u.id = $1`;

export const ASSIGNABLE = `SELECT 1 FROM app_user u
  WHERE u.id = $1 AND u.organization_id = $2 AND u.active AND u.role = 'peer_specialist'
    AND ${supervises('$3', 'u.id')}`;
