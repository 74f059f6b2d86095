import { EntityManager } from 'typeorm';

import { UserPrincipal } from '../../auth/principal';
import { NotFoundError } from '../../common/errors/domain-error';

/** `self`: the specialist, their supervisors, admins. `oversight`: their supervisors and admins. */
export type SpecialistScope = 'self' | 'oversight';

const IN_SCOPE = `SELECT u.id FROM app_user u
  WHERE u.id = $1 AND u.organization_id = $2 AND (
    $3 = 'admin'
    OR ($4 AND u.id = $5)
    OR ($3 = 'supervisor' AND EXISTS (SELECT 1 FROM team_member m
      JOIN team_member s ON s.team_id = m.team_id AND s.membership = 'supervisor'
      WHERE m.user_id = u.id AND m.membership = 'member' AND s.user_id = $5)))`;

/** 404 (as for a user that does not exist) unless the caller may see this specialist. */
export async function requireSpecialist(
  m: EntityManager,
  actor: UserPrincipal,
  specialistId: string,
  scope: SpecialistScope,
): Promise<void> {
  const selfAllowed = scope === 'self';
  const rows = await m.query(IN_SCOPE, [
    specialistId,
    actor.organizationId,
    actor.role,
    selfAllowed,
    actor.id,
  ]);
  if (rows.length === 0) throw new NotFoundError('Specialist');
}
