import type { Extension, Goal as FhirGoal } from '@medplum/fhirtypes';

import { Permission } from '../../../auth/permissions';
import type { Goal, RecoveryDomain } from '../../recovery-plans/goal.entity';
import { defineResource } from '../fhir-resource';
import {
  HL7_SYSTEM,
  LocalCodeSystem,
  LocalExtension,
  patientRef,
  versionedMeta,
} from './fhir-codes';

export type GoalSource = Pick<
  Goal,
  | 'id'
  | 'clientId'
  | 'description'
  | 'domain'
  | 'targetDate'
  | 'actionSteps'
  | 'lifecycleStatus'
  | 'achievementStatus'
  | 'version'
  | 'updatedAt'
>;

// SAMHSA's four dimensions of recovery (SPEC 5).
const DOMAIN_DISPLAY: Record<RecoveryDomain, string> = {
  health: 'Health',
  home: 'Home',
  purpose: 'Purpose',
  community: 'Community',
};

/** A recovery-plan goal as a FHIR R4 Goal (docs/fhir.md, "Goal"). */
export function toGoal(goal: GoalSource): FhirGoal {
  return {
    resourceType: 'Goal',
    id: goal.id,
    meta: versionedMeta(goal.version, goal.updatedAt),
    ...(goal.actionSteps.length ? { extension: goal.actionSteps.map(actionStep) } : {}),
    lifecycleStatus: goal.lifecycleStatus,
    ...(goal.achievementStatus
      ? {
          achievementStatus: {
            coding: [{ system: HL7_SYSTEM.GoalAchievement, code: goal.achievementStatus }],
          },
        }
      : {}),
    category: [
      {
        coding: [
          {
            system: LocalCodeSystem.RecoveryDomain,
            code: goal.domain,
            display: DOMAIN_DISPLAY[goal.domain],
          },
        ],
      },
    ],
    description: { text: goal.description },
    subject: patientRef(goal.clientId),
    ...(goal.targetDate ? { target: [{ dueDate: goal.targetDate }] } : {}),
  };
}

function actionStep(step: { text: string; done: boolean }): Extension {
  return {
    url: LocalExtension.GoalActionStep,
    extension: [
      { url: 'text', valueString: step.text },
      { url: 'done', valueBoolean: step.done },
    ],
  };
}

/** `goal` -> Goal (category `plans-goals`). */
export const goalResource = defineResource<FhirGoal, GoalSource>({
  type: 'Goal',
  permission: Permission.FhirGoalRead,
  documentation: 'A goal of a recovery plan (category plans-goals of the consent).',
  from: 'goal r JOIN client c ON c.id = r.client_id',
  id: 'r.id',
  categories: ['plans-goals'],
  columns: `r.id AS id, r.client_id AS "clientId", r.description AS description, r.domain AS domain,
    r.target_date::text AS "targetDate", r.action_steps AS "actionSteps",
    r.lifecycle_status AS "lifecycleStatus", r.achievement_status AS "achievementStatus",
    r.version AS version, r.updated_at AS "updatedAt"`,
  searchParams: [],
  includesPatient: true,
  toResource: (row) => toGoal(row),
});
