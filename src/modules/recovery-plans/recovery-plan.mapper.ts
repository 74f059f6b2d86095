import { GoalResponse } from './dto/goal.response';
import { PlanResponse } from './dto/plan.response';
import { Goal } from './goal.entity';
import { RecoveryPlan } from './recovery-plan.entity';

export function toPlanResponse(plan: RecoveryPlan): PlanResponse {
  return {
    id: plan.id,
    clientId: plan.clientId,
    title: plan.title,
    status: plan.status,
    startDate: plan.startDate,
    endDate: plan.endDate,
    reviewDueAt: plan.reviewDueAt,
    strengths: [...plan.strengths],
    barriers: [...plan.barriers],
    clientAgreement:
      plan.agreedOn && plan.agreementMethod
        ? { agreedOn: plan.agreedOn, method: plan.agreementMethod }
        : null,
    createdById: plan.createdById,
    version: plan.version,
    createdAt: plan.createdAt.toISOString(),
    updatedAt: plan.updatedAt.toISOString(),
  };
}

export function toGoalResponse(goal: Goal): GoalResponse {
  return {
    id: goal.id,
    planId: goal.planId,
    clientId: goal.clientId,
    description: goal.description,
    domain: goal.domain,
    targetDate: goal.targetDate,
    actionSteps: goal.actionSteps.map((s) => ({ text: s.text, done: s.done })),
    lifecycleStatus: goal.lifecycleStatus,
    achievementStatus: goal.achievementStatus,
    createdById: goal.createdById,
    notesCount: goal.notesCount ?? 0,
    lastAddressedAt: goal.lastAddressedAt ? new Date(goal.lastAddressedAt).toISOString() : null,
    version: goal.version,
    createdAt: goal.createdAt.toISOString(),
    updatedAt: goal.updatedAt.toISOString(),
  };
}
