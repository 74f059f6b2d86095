import { assertReferralTransition, canTransition, taskOutcomeOf } from './referral-status';

describe('referral out status', () => {
  it('should allow only sent -> accepted | declined and accepted -> completed | not-completed', () => {
    expect(canTransition('sent', 'accepted')).toBe(true);
    expect(canTransition('sent', 'declined')).toBe(true);
    expect(canTransition('accepted', 'completed')).toBe(true);
    expect(canTransition('accepted', 'not-completed')).toBe(true);
    expect(canTransition('sent', 'completed')).toBe(false);
    expect(canTransition('declined', 'accepted')).toBe(false);
    expect(canTransition('completed', 'not-completed')).toBe(false);
    expect(canTransition('accepted', 'accepted')).toBe(false);
  });

  it('should name both statuses when a transition is refused', () => {
    expect(() => assertReferralTransition('declined', 'accepted')).toThrow(
      'A referral cannot go from declined to accepted.',
    );
  });

  it('should close the connection check when the referral ends, and only then', () => {
    expect(taskOutcomeOf('completed')).toEqual({
      status: 'completed',
      reason: 'referral-completed',
    });
    expect(taskOutcomeOf('not-completed')).toEqual({
      status: 'completed',
      reason: 'referral-not-completed',
    });
    expect(taskOutcomeOf('declined')).toEqual({ status: 'cancelled', reason: 'referral-declined' });
    expect(taskOutcomeOf('accepted')).toBeNull();
    expect(taskOutcomeOf('sent')).toBeNull();
  });
});
