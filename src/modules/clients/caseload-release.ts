import { UserPrincipal } from '../../auth/principal';
import { WriteTx } from '../audit/unit-of-work';

// Open clients of the specialist go to the "needs reassignment" queue; closed ones keep their
// last specialist for the record.
const RELEASE = `UPDATE client SET primary_specialist_id = NULL, needs_reassignment = true,
    version = version + 1, updated_at = now()
  WHERE primary_specialist_id = $1 AND status <> 'closed' AND deleted_at IS NULL
  RETURNING id`;

// The history shows the queue as an open row without a specialist, until a supervisor assigns.
const CLOSE_OPEN = `UPDATE client_assignment SET ended_at = now() WHERE client_id = ANY($1) AND ended_at IS NULL`;
const QUEUE_ROW = `INSERT INTO client_assignment (client_id, specialist_id, assigned_by_id, reason)
  SELECT id, NULL, $2, 'specialist_deactivated' FROM unnest($1::uuid[]) AS id`;

/**
 * Deactivating a specialist (SPEC section 4): their open clients need reassignment, their open
 * follow-ups return to the queue and their coverage ends. Runs in the deactivation's transaction.
 */
export async function releaseCaseload(
  tx: WriteTx,
  actor: UserPrincipal,
  specialistId: string,
): Promise<void> {
  const m = tx.manager;
  const [released]: [{ id: string }[], number] = await m.query(RELEASE, [specialistId]);
  const ids = released.map((r) => r.id);
  if (ids.length > 0) {
    await m.query(CLOSE_OPEN, [ids]);
    await m.query(QUEUE_ROW, [ids, actor.id]);
  }
  await m.query(
    `UPDATE follow_up SET owner_id = NULL, version = version + 1, updated_at = now()
     WHERE owner_id = $1 AND status IN ('requested', 'ready', 'in-progress', 'on-hold')`,
    [specialistId],
  );
  await m.query(
    `UPDATE client_coverage SET revoked_at = now() WHERE specialist_id = $1 AND revoked_at IS NULL AND ends_at > now()`,
    [specialistId],
  );
  for (const { id } of released) {
    tx.audit({
      action: 'client.release',
      clientId: id,
      resourceType: 'Client',
      resourceId: id,
    });
  }
}
