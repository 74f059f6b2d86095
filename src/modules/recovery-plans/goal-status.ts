/** FHIR Goal.lifecycleStatus values. */
export const GOAL_LIFECYCLE_STATUSES = [
  'proposed',
  'planned',
  'accepted',
  'active',
  'on-hold',
  'completed',
  'cancelled',
  'rejected',
  'entered-in-error',
] as const;
export type GoalLifecycleStatus = (typeof GOAL_LIFECYCLE_STATUSES)[number];

/** FHIR Goal.achievementStatus values (goal-achievement value set). */
export const GOAL_ACHIEVEMENT_STATUSES = [
  'in-progress',
  'improving',
  'worsening',
  'no-change',
  'achieved',
  'sustaining',
  'not-achieved',
  'no-progress',
  'not-attainable',
] as const;
export type GoalAchievementStatus = (typeof GOAL_ACHIEVEMENT_STATUSES)[number];

// A goal moves forward from proposal to pursuit; completed, cancelled and rejected goals are
// history (a renewed aim is a new goal). Any recorded goal may be marked entered-in-error, and
// that is final.
const NEXT: Record<GoalLifecycleStatus, readonly GoalLifecycleStatus[]> = {
  proposed: ['planned', 'accepted', 'active', 'rejected', 'cancelled', 'entered-in-error'],
  planned: ['accepted', 'active', 'on-hold', 'cancelled', 'entered-in-error'],
  accepted: ['planned', 'active', 'on-hold', 'cancelled', 'entered-in-error'],
  active: ['on-hold', 'completed', 'cancelled', 'entered-in-error'],
  'on-hold': ['active', 'cancelled', 'entered-in-error'],
  completed: ['entered-in-error'],
  cancelled: ['entered-in-error'],
  rejected: ['entered-in-error'],
  'entered-in-error': [],
};

// A completed goal has been met (FHIR): its achievement can only be one of these.
const MET: readonly GoalAchievementStatus[] = ['achieved', 'sustaining'];

export interface GoalState {
  lifecycleStatus: GoalLifecycleStatus;
  achievementStatus: GoalAchievementStatus | null;
}

export type GoalChange =
  { ok: true; state: GoalState } | { ok: false; reason: 'lifecycle' | 'achievement' };

/** True when a goal's lifecycle may move from `from` to `to`; staying put is always allowed. */
export function canMoveGoal(from: GoalLifecycleStatus, to: GoalLifecycleStatus): boolean {
  return from === to || NEXT[from].includes(to);
}

/**
 * The goal state after a change, or why it is refused. Completing a goal without naming its
 * achievement records it as achieved; completing it as anything but met is refused.
 */
export function applyGoalChange(current: GoalState, change: Partial<GoalState>): GoalChange {
  const lifecycleStatus = change.lifecycleStatus ?? current.lifecycleStatus;
  if (!canMoveGoal(current.lifecycleStatus, lifecycleStatus))
    return { ok: false, reason: 'lifecycle' };
  let achievementStatus =
    change.achievementStatus !== undefined ? change.achievementStatus : current.achievementStatus;
  if (lifecycleStatus === 'completed') {
    if (
      change.achievementStatus === undefined &&
      !MET.includes(achievementStatus as GoalAchievementStatus)
    ) {
      achievementStatus = 'achieved';
    }
    if (!MET.includes(achievementStatus as GoalAchievementStatus))
      return { ok: false, reason: 'achievement' };
  }
  return { ok: true, state: { lifecycleStatus, achievementStatus } };
}
