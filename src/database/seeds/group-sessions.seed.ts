import { EntityManager } from 'typeorm';

import { DEMO_IDS } from './demo-ids';
import type { DemoPeople } from './demo-people';

const DEMO_PEER = 'peer1@demo.test';
const DAY_MS = 86_400_000;

/**
 * Yesterday evening's peer support group, facilitated by peer1 with their first client, still a
 * draft (to correct, then sign). Fictional. Idempotent (its fixed id); does nothing without
 * peer1 or that client.
 */
export async function seedGroupSessions(m: EntityManager, people: DemoPeople): Promise<void> {
  const peerId = people.users[DEMO_PEER];
  if (!peerId) return;
  const now = new Date();
  const startedAt = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 17, 30) - DAY_MS,
  );
  const [session]: { id: string }[] = await m.query(
    `INSERT INTO group_session (id, organization_id, topic, facilitator_id, setting, started_at, ended_at, created_by_id)
     SELECT $1, c.organization_id, 'Building a support network', $3, 'community center', $4, $5, $3
     FROM client c WHERE c.id = $2 AND c.organization_id = $6 AND c.primary_specialist_id = $3
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      DEMO_IDS.groupSession,
      DEMO_IDS.client,
      peerId,
      startedAt,
      new Date(startedAt.getTime() + 90 * 60_000),
      people.organizationId,
    ],
  );
  if (!session) return;
  await m.query(
    `INSERT INTO group_session_attendee (group_session_id, client_id, organization_id, session_started_at, participation)
     VALUES ($1, $2, $3, $4, 'Joined the check-in round and named two people to call this week.')`,
    [session.id, DEMO_IDS.client, people.organizationId, startedAt],
  );
  // As the API does: attending a group is a contact.
  await m.query(`UPDATE client SET last_contact_at = GREATEST(last_contact_at, $2) WHERE id = $1`, [
    DEMO_IDS.client,
    startedAt,
  ]);
}
