import { EntityManager } from 'typeorm';

import type { RelapsePlanContent } from '../../modules/relapse-prevention/relapse-plan-content';
import {
  DEFAULT_CRISIS_CONTACTS,
  DEFAULT_CRISIS_STEPS,
} from '../../modules/relapse-prevention/relapse-plan-content';
import type { DemoPeople } from './demo-people';

const DEMO_PEER = 'peer1@demo.test';

// Fictional, in a client's own words: what a new user sees when opening the first demo client.
const DEMO_PLAN: RelapsePlanContent = {
  triggers: ['Payday Fridays', 'Running into old friends at the corner store', 'Nights alone'],
  warningSigns: ['I stop answering my sister’s calls', 'I skip meals and stay up late'],
  copingStrategies: ['Walk to the park and call someone on the way', 'Play guitar for an hour'],
  peopleToCall: [
    {
      name: 'Jordan (sponsor)',
      relationship: 'sponsor',
      phone: '+1-555-0142',
      when: 'Any time I think about using',
    },
    { name: 'My sister', relationship: 'sister', phone: '+1-555-0177', when: 'Evenings' },
  ],
  helpfulPlaces: [
    { name: 'Thursday NA meeting at the library', kind: 'meeting', details: '7 pm, side door' },
    { name: 'Riverside park', kind: 'place', details: null },
  ],
  crisisSteps: DEFAULT_CRISIS_STEPS,
  crisisContacts: [
    ...DEFAULT_CRISIS_CONTACTS,
    { name: 'County mobile crisis team (fictional)', phone: '+1-555-0199' },
  ],
  reasonsForRecovery: ['Being there for my daughter', 'Finishing my GED'],
};

/**
 * peer1's first demo client (by name) gets a relapse-prevention plan, reviewed with them ten
 * days ago. Idempotent (one plan per client); does nothing without that client.
 */
export async function seedRelapsePreventionPlans(
  m: EntityManager,
  people: DemoPeople,
): Promise<void> {
  const peerId = people.users[DEMO_PEER];
  if (!peerId) return;
  const [plan]: { id: string }[] = await m.query(
    `INSERT INTO relapse_prevention_plan (organization_id, client_id, last_reviewed_on, last_reviewed_by_id,
       created_by_id, updated_by_id)
     SELECT c.organization_id, c.id, current_date - 10, $2, $2, $2 FROM client c
     WHERE c.organization_id = $1 AND c.primary_specialist_id = $2 AND c.deleted_at IS NULL
     ORDER BY c.last_name, c.first_name, c.id LIMIT 1
     ON CONFLICT ON CONSTRAINT relapse_prevention_plan_client_uq DO NOTHING
     RETURNING id`,
    [people.organizationId, peerId],
  );
  if (!plan) return;
  await m.query(
    `INSERT INTO relapse_prevention_plan_version (plan_id, version, content, author_id, reviewed_on, reviewed_by_id)
     VALUES ($1, 1, $2, $3, current_date - 10, $3)`,
    [plan.id, JSON.stringify(DEMO_PLAN), peerId],
  );
}
