import { DomainError, FieldError, ValidationError } from '../../common/errors/domain-error';
import { GoalLifecycleStatus } from './goal-status';
import { PlanStatus } from './plan-status';

export class PlanTransitionError extends DomainError {
  constructor(from: PlanStatus, to: PlanStatus) {
    super('PLAN_TRANSITION_NOT_ALLOWED', `A recovery plan cannot move from ${from} to ${to}.`, {
      members: { from, to },
    });
  }
}

export class PlanAgreementRequiredError extends DomainError {
  constructor() {
    super(
      'PLAN_AGREEMENT_REQUIRED',
      "A recovery plan can be active only once the client's agreement is recorded.",
    );
  }
}

export class ActivePlanExistsError extends DomainError {
  constructor(activePlanId: string | null) {
    super('ACTIVE_PLAN_EXISTS', 'The client already has an active recovery plan.', {
      members: activePlanId ? { activePlanId } : {},
    });
  }
}

export class PlanClosedError extends DomainError {
  constructor() {
    super('PLAN_CLOSED', 'A completed or revoked recovery plan cannot be changed.');
  }
}

export class GoalTransitionError extends DomainError {
  constructor(from: GoalLifecycleStatus, to: GoalLifecycleStatus) {
    super('GOAL_TRANSITION_NOT_ALLOWED', `A goal cannot move from ${from} to ${to}.`, {
      members: { from, to },
    });
  }
}

export class GoalAchievementError extends DomainError {
  constructor() {
    super('GOAL_TRANSITION_NOT_ALLOWED', 'A completed goal must be achieved or sustaining.');
  }
}

export class PlanDatesError extends ValidationError {
  constructor(errors: FieldError[]) {
    super(errors);
  }
}
