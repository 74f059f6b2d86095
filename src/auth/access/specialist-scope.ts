import { EntityManager } from 'typeorm';

import { NotFoundError } from '../../common/errors/domain-error';
import { UserPrincipal } from '../principal';
import { coverageInForce, specialistVisible } from './scope.sql';

/** `self`: the specialist, their supervisors, admins. `oversight`: their supervisors and admins. */
export type SpecialistScope = 'self' | 'oversight';

const IN_SCOPE = `SELECT u.id FROM app_user u
  WHERE u.id = $1 AND ${specialistVisible('u', '$2', { role: '$3', selfAllowed: '$4', id: '$5' })}`;

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

// A peer covering a colleague's client may filter on that colleague (to find the covered clients).
const COVERS_CLIENT_OF = `SELECT 1 FROM client_coverage v JOIN client c ON c.id = v.client_id
  WHERE v.specialist_id = $1 AND c.primary_specialist_id = $2 AND c.organization_id = $3
    AND ${coverageInForce('v')} LIMIT 1`;

/**
 * A list filtered on a specialist (`specialistId`, `authorId`) answers 404 like reading that
 * specialist would, instead of an empty page that confirms nothing but hides the refusal: the
 * caller must see the specialist (`self` scope), or, a peer, cover one of their clients now.
 */
export async function requireFilterableSpecialist(
  m: EntityManager,
  actor: UserPrincipal,
  specialistId: string,
): Promise<void> {
  try {
    await requireSpecialist(m, actor, specialistId, 'self');
  } catch (err) {
    const covers = await m.query(COVERS_CLIENT_OF, [actor.id, specialistId, actor.organizationId]);
    if (covers.length === 0) throw err;
  }
}
