import type { Task } from '@medplum/fhirtypes';

import type { FollowUp } from '../../follow-ups/follow-up.entity';
import { LocalCodeSystem, LocalExtension, patientRef, practitionerRef } from './fhir-codes';

export type TaskSource = Pick<
  FollowUp,
  | 'id'
  | 'clientId'
  | 'kind'
  | 'label'
  | 'status'
  | 'dueAt'
  | 'windowStart'
  | 'windowEnd'
  | 'ownerId'
  | 'startedAt'
  | 'completedAt'
  | 'outcome'
  | 'statusReason'
  | 'sessionNoteId'
  | 'version'
  | 'createdAt'
  | 'updatedAt'
>;

/** A follow-up task as a FHIR R4 Task (docs/fhir.md, "Task"). */
export function toTask(task: TaskSource): Task {
  return {
    resourceType: 'Task',
    id: task.id,
    meta: { versionId: String(task.version), lastUpdated: task.updatedAt.toISOString() },
    extension: [{ url: LocalExtension.FollowUpDue, valueDateTime: task.dueAt.toISOString() }],
    // The follow-up statuses are FHIR Task statuses (SPEC 7), on-hold included.
    status: task.status,
    ...(task.statusReason ? { statusReason: { text: task.statusReason } } : {}),
    ...(task.outcome
      ? {
          businessStatus: {
            coding: [{ system: LocalCodeSystem.FollowUpOutcome, code: task.outcome }],
          },
        }
      : {}),
    intent: 'plan',
    code: { coding: [{ system: LocalCodeSystem.FollowUpKind, code: task.kind }] },
    description: task.label,
    for: patientRef(task.clientId),
    ...(task.startedAt || task.completedAt
      ? {
          executionPeriod: {
            ...(task.startedAt ? { start: task.startedAt.toISOString() } : {}),
            ...(task.completedAt ? { end: task.completedAt.toISOString() } : {}),
          },
        }
      : {}),
    authoredOn: task.createdAt.toISOString(),
    lastModified: task.updatedAt.toISOString(),
    // No owner means the task waits in the "needs assignment" queue.
    ...(task.ownerId ? { owner: practitionerRef(task.ownerId) } : {}),
    restriction: {
      period: { start: task.windowStart.toISOString(), end: task.windowEnd.toISOString() },
    },
    ...(task.sessionNoteId
      ? {
          output: [
            {
              type: { text: 'Session note of the contact' },
              valueReference: { reference: `Encounter/${task.sessionNoteId}` },
            },
          ],
        }
      : {}),
  };
}
