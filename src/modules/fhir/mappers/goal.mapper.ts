import type { Extension, Goal as FhirGoal } from '@medplum/fhirtypes';

import type { Goal, RecoveryDomain } from '../../recovery-plans/goal.entity';
import { HL7_SYSTEM, LocalCodeSystem, LocalExtension, patientRef } from './fhir-codes';

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
    meta: { versionId: String(goal.version), lastUpdated: goal.updatedAt.toISOString() },
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
