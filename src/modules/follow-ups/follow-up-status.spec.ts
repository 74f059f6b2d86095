import {
  assertTransition,
  canTransition,
  FOLLOW_UP_STATUSES,
  FollowUpStatus,
  InvalidTransitionError,
} from './follow-up-status';

describe('follow-up status transitions', () => {
  const allowed: [FollowUpStatus, FollowUpStatus][] = [
    ['requested', 'ready'],
    ['requested', 'in-progress'],
    ['requested', 'completed'],
    ['requested', 'cancelled'],
    ['requested', 'failed'],
    ['requested', 'on-hold'],
    ['ready', 'in-progress'],
    ['ready', 'completed'],
    ['ready', 'cancelled'],
    ['ready', 'failed'],
    ['ready', 'on-hold'],
    ['in-progress', 'completed'],
    ['in-progress', 'cancelled'],
    ['in-progress', 'failed'],
    ['in-progress', 'on-hold'],
    ['on-hold', 'requested'],
    ['on-hold', 'cancelled'],
  ];
  const key = ([a, b]: [FollowUpStatus, FollowUpStatus]): string => `${a}->${b}`;
  const allowedKeys = new Set(allowed.map(key));

  it('should allow exactly the listed transitions when checking every pair', () => {
    for (const from of FOLLOW_UP_STATUSES) {
      for (const to of FOLLOW_UP_STATUSES) {
        expect({ pair: `${from}->${to}`, ok: canTransition(from, to) }).toEqual({
          pair: `${from}->${to}`,
          ok: allowedKeys.has(key([from, to])),
        });
      }
    }
  });

  it('should treat completed, cancelled and failed as final when anything follows them', () => {
    for (const from of ['completed', 'cancelled', 'failed'] as const) {
      for (const to of FOLLOW_UP_STATUSES) expect(canTransition(from, to)).toBe(false);
    }
  });

  it('should throw INVALID_TRANSITION with from and to when a transition is illegal', () => {
    expect(() => assertTransition('completed', 'in-progress')).toThrow(InvalidTransitionError);
    try {
      assertTransition('on-hold', 'in-progress');
    } catch (err) {
      expect(err).toMatchObject({
        code: 'INVALID_TRANSITION',
        extra: { members: { from: 'on-hold', to: 'in-progress' } },
      });
    }
    expect(() => assertTransition('requested', 'in-progress')).not.toThrow();
  });
});
