import { DomainError } from '../../common/errors/domain-error';

/** FHIR Task statuses (SPEC 7), plus on-hold while the client is readmitted. */
export const FOLLOW_UP_STATUSES = [
  'requested',
  'ready',
  'in-progress',
  'completed',
  'cancelled',
  'failed',
  'on-hold',
] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** Statuses of work still to do: reminded, escalated, listed in queues. */
export const OPEN_STATUSES: FollowUpStatus[] = ['requested', 'ready', 'in-progress'];

const ACTIVE_TARGETS: FollowUpStatus[] = [
  'in-progress',
  'completed',
  'cancelled',
  'failed',
  'on-hold',
];

// Completed, cancelled and failed are final: a task's history is never rewritten.
const TRANSITIONS: Record<FollowUpStatus, readonly FollowUpStatus[]> = {
  requested: ['ready', ...ACTIVE_TARGETS],
  ready: ACTIVE_TARGETS,
  'in-progress': ['completed', 'cancelled', 'failed', 'on-hold'],
  'on-hold': ['requested', 'cancelled'],
  completed: [],
  cancelled: [],
  failed: [],
};

export function canTransition(from: FollowUpStatus, to: FollowUpStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export class InvalidTransitionError extends DomainError {
  constructor(from: FollowUpStatus, to: FollowUpStatus) {
    super('INVALID_TRANSITION', `A follow-up cannot go from ${from} to ${to}.`, {
      members: { from, to },
    });
  }
}

export function assertTransition(from: FollowUpStatus, to: FollowUpStatus): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
}
