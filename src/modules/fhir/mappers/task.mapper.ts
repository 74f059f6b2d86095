import type { Task } from '@medplum/fhirtypes';

import { Permission } from '../../../auth/permissions';
import type { FollowUp } from '../../follow-ups/follow-up.entity';
import { FOLLOW_UP_STATUSES } from '../../follow-ups/follow-up-status';
import { defineResource } from '../fhir-resource';
import { codeParam, dateParam } from '../fhir-search';
import {
  LocalCodeSystem,
  LocalExtension,
  patientRef,
  practitionerRef,
  versionedMeta,
} from './fhir-codes';

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
    meta: versionedMeta(task.version, task.updatedAt),
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

/** `follow_up` -> Task (category `follow-ups`). */
export const taskResource = defineResource<Task, TaskSource>({
  type: 'Task',
  permission: Permission.FhirTaskRead,
  documentation: 'A follow-up task of the discharge bridge (category follow-ups of the consent).',
  from: 'follow_up r JOIN client c ON c.id = r.client_id',
  id: 'r.id',
  categories: ['follow-ups'],
  columns: `r.id AS id, r.client_id AS "clientId", r.kind AS kind, r.label AS label,
    r.status AS status, r.due_at AS "dueAt", r.window_start AS "windowStart",
    r.window_end AS "windowEnd", r.owner_id AS "ownerId", r.started_at AS "startedAt",
    r.completed_at AS "completedAt", r.outcome AS outcome, r.status_reason AS "statusReason",
    r.session_note_id AS "sessionNoteId", r.version AS version, r.created_at AS "createdAt",
    r.updated_at AS "updatedAt"`,
  searchParams: [
    codeParam(
      'status',
      'r.status',
      `Task status: ${FOLLOW_UP_STATUSES.join(', ')}; comma-separated codes match any`,
      Object.fromEntries(FOLLOW_UP_STATUSES.map((s) => [s, [s]])),
    ),
    dateParam(
      '_lastUpdated',
      'r.updated_at',
      'When the task last changed: eq (default), ne, lt, gt, le, ge with a date or an instant',
      'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated',
    ),
  ],
  includesPatient: true,
  toResource: (row) => toTask(row),
});
