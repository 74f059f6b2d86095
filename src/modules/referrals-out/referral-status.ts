import { DomainError } from '../../common/errors/domain-error';

/** sent -> accepted | declined; accepted -> completed | not-completed. Declined is final: re-send. */
export const REFERRAL_STATUSES = [
  'sent',
  'accepted',
  'declined',
  'completed',
  'not-completed',
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** The statuses a transition may set (`sent` is where every referral starts). */
export const REFERRAL_TARGETS = ['accepted', 'declined', 'completed', 'not-completed'] as const;
export type ReferralTarget = (typeof REFERRAL_TARGETS)[number];

const TRANSITIONS: Record<ReferralStatus, readonly ReferralStatus[]> = {
  sent: ['accepted', 'declined'],
  accepted: ['completed', 'not-completed'],
  declined: [],
  completed: [],
  'not-completed': [],
};

export function canTransition(from: ReferralStatus, to: ReferralStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertReferralTransition(from: ReferralStatus, to: ReferralStatus): void {
  if (!canTransition(from, to)) {
    throw new DomainError('INVALID_TRANSITION', `A referral cannot go from ${from} to ${to}.`, {
      members: { from, to },
    });
  }
}

/**
 * What the referral's status means for its connection-check task: completing the referral
 * completes the task; not-completed closes it as checked; declined cancels it (the need is met by
 * a new referral, with its own task).
 */
export function taskOutcomeOf(
  status: ReferralStatus,
): { status: 'completed' | 'cancelled'; reason: string } | null {
  switch (status) {
    case 'completed':
      return { status: 'completed', reason: 'referral-completed' };
    case 'not-completed':
      return { status: 'completed', reason: 'referral-not-completed' };
    case 'declined':
      return { status: 'cancelled', reason: 'referral-declined' };
    default:
      return null;
  }
}
