import { applyGoalChange, canMoveGoal, GOAL_LIFECYCLE_STATUSES } from './goal-status';

describe('canMoveGoal', () => {
  it('should refuse completed -> proposed', () => {
    expect(canMoveGoal('completed', 'proposed')).toBe(false);
  });

  it('should allow the forward path proposed -> accepted -> active -> completed', () => {
    expect(canMoveGoal('proposed', 'accepted')).toBe(true);
    expect(canMoveGoal('accepted', 'active')).toBe(true);
    expect(canMoveGoal('active', 'completed')).toBe(true);
  });

  it('should allow pausing and resuming an active goal', () => {
    expect(canMoveGoal('active', 'on-hold')).toBe(true);
    expect(canMoveGoal('on-hold', 'active')).toBe(true);
  });

  it('should allow entered-in-error from every status but itself, and nothing after it', () => {
    for (const from of GOAL_LIFECYCLE_STATUSES) {
      if (from !== 'entered-in-error') expect(canMoveGoal(from, 'entered-in-error')).toBe(true);
    }
    const after = GOAL_LIFECYCLE_STATUSES.filter(
      (to) => to !== 'entered-in-error' && canMoveGoal('entered-in-error', to),
    );
    expect(after).toEqual([]);
  });

  it('should keep completed, cancelled and rejected goals as history', () => {
    for (const from of ['completed', 'cancelled', 'rejected'] as const) {
      const next = GOAL_LIFECYCLE_STATUSES.filter((to) => to !== from && canMoveGoal(from, to));
      expect({ from, next }).toEqual({ from, next: ['entered-in-error'] });
    }
  });

  it('should refuse to complete a goal that was never pursued', () => {
    expect(canMoveGoal('proposed', 'completed')).toBe(false);
    expect(canMoveGoal('on-hold', 'completed')).toBe(false);
  });

  it('should allow staying in the same status', () => {
    for (const s of GOAL_LIFECYCLE_STATUSES) expect(canMoveGoal(s, s)).toBe(true);
  });
});

describe('applyGoalChange', () => {
  it('should record a completed goal as achieved when no achievement is given', () => {
    expect(
      applyGoalChange(
        { lifecycleStatus: 'active', achievementStatus: 'improving' },
        { lifecycleStatus: 'completed' },
      ),
    ).toEqual({
      ok: true,
      state: { lifecycleStatus: 'completed', achievementStatus: 'achieved' },
    });
  });

  it('should keep sustaining when completing a goal already sustained', () => {
    expect(
      applyGoalChange(
        { lifecycleStatus: 'active', achievementStatus: 'sustaining' },
        { lifecycleStatus: 'completed' },
      ),
    ).toEqual({
      ok: true,
      state: { lifecycleStatus: 'completed', achievementStatus: 'sustaining' },
    });
  });

  it('should refuse completing a goal as not achieved', () => {
    expect(
      applyGoalChange(
        { lifecycleStatus: 'active', achievementStatus: null },
        { lifecycleStatus: 'completed', achievementStatus: 'not-achieved' },
      ),
    ).toEqual({ ok: false, reason: 'achievement' });
  });

  it('should refuse un-achieving a completed goal', () => {
    expect(
      applyGoalChange(
        { lifecycleStatus: 'completed', achievementStatus: 'achieved' },
        { achievementStatus: 'worsening' },
      ),
    ).toEqual({
      ok: false,
      reason: 'achievement',
    });
  });

  it('should refuse an illegal lifecycle move', () => {
    expect(
      applyGoalChange(
        { lifecycleStatus: 'completed', achievementStatus: 'achieved' },
        { lifecycleStatus: 'proposed' },
      ),
    ).toEqual({
      ok: false,
      reason: 'lifecycle',
    });
  });

  it('should let progress change freely on an active goal', () => {
    expect(
      applyGoalChange(
        { lifecycleStatus: 'active', achievementStatus: 'improving' },
        { achievementStatus: 'worsening' },
      ),
    ).toEqual({
      ok: true,
      state: { lifecycleStatus: 'active', achievementStatus: 'worsening' },
    });
  });

  it('should allow clearing the achievement of a goal not completed', () => {
    expect(
      applyGoalChange(
        { lifecycleStatus: 'active', achievementStatus: 'improving' },
        { achievementStatus: null },
      ),
    ).toEqual({
      ok: true,
      state: { lifecycleStatus: 'active', achievementStatus: null },
    });
  });
});
