import { EntityManager } from 'typeorm';

import { DEMO_IDS } from './demo-ids';
import type { DemoPeople } from './demo-people';

// Fictional content only: the same invented plan for every demo client.
const STRENGTHS = ['Supportive sibling nearby', 'Keeps a daily routine', 'Enjoys cooking'];
const BARRIERS = ['No reliable transport', 'Shared housing with people who use'];
const GOALS = [
  {
    description: 'Attend a community recovery meeting each week',
    domain: 'community',
    actionSteps: [
      { text: 'Pick two meetings near the bus line', done: true },
      { text: 'Go with the peer specialist the first time', done: false },
    ],
  },
  {
    description: 'Move into recovery housing',
    domain: 'home',
    actionSteps: [
      { text: 'Fill in the recovery residence application', done: false },
      { text: 'Visit the house with the peer specialist', done: false },
    ],
  },
];
const BARC10_ANSWERS = [4, 4, 5, 3, 4, 5, 4, 3, 4, 5]; // total 41

/**
 * Each demo client without a plan gets an active plan (agreed verbally two weeks ago) with two
 * goals (the first demo client's plan and first goal with their fixed ids), and each without an
 * assessment one BARC-10. Idempotent; does nothing without clients.
 */
export async function seedRecoveryPlans(m: EntityManager, people: DemoPeople): Promise<void> {
  const plans: { id: string }[] = await m.query(
    `INSERT INTO recovery_plan (id, organization_id, client_id, title, status, start_date, review_due_at,
       strengths, barriers, agreed_on, agreement_method, created_by_id)
     SELECT CASE WHEN c.id = $4 THEN $5::uuid ELSE gen_random_uuid() END, c.organization_id, c.id,
       'Building recovery capital', 'active', current_date - 14, current_date + 76,
       $2, $3, current_date - 14, 'verbal', c.primary_specialist_id
     FROM client c
     WHERE c.organization_id = $1 AND c.deleted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM recovery_plan p WHERE p.client_id = c.id)
     RETURNING id`,
    [
      people.organizationId,
      JSON.stringify(STRENGTHS),
      JSON.stringify(BARRIERS),
      DEMO_IDS.client,
      DEMO_IDS.recoveryPlan,
    ],
  );
  for (const [i, goal] of GOALS.entries()) {
    await m.query(
      `INSERT INTO goal (id, organization_id, client_id, plan_id, description, domain, target_date, action_steps,
         lifecycle_status, achievement_status, created_by_id)
       SELECT coalesce(CASE WHEN p.id = $5 THEN $6::uuid END, gen_random_uuid()), p.organization_id, p.client_id, p.id,
         $2, $3, current_date + 60, $4, 'active', 'in-progress', p.created_by_id
       FROM recovery_plan p WHERE p.id = ANY($1::uuid[])`,
      [
        plans.map((p) => p.id),
        goal.description,
        goal.domain,
        JSON.stringify(goal.actionSteps),
        DEMO_IDS.recoveryPlan,
        i === 0 ? DEMO_IDS.goal : null,
      ],
    );
  }
  await m.query(
    `INSERT INTO assessment (organization_id, client_id, instrument, answers, total, administered_at, administered_by_id)
     SELECT c.organization_id, c.id, 'BARC-10', $2, $3, now() - interval '7 days', c.primary_specialist_id
     FROM client c
     WHERE c.organization_id = $1 AND c.deleted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM assessment a WHERE a.client_id = c.id)`,
    [people.organizationId, BARC10_ANSWERS, BARC10_ANSWERS.reduce((s, a) => s + a, 0)],
  );
}
