import { Injectable } from '@nestjs/common';

import { Principal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { DomainError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import { definedOnly } from './defined-only';
import { CreateGoalDto, UpdateGoalDto } from './dto/goal.dto';
import { GoalResponse } from './dto/goal.response';
import { Goal } from './goal.entity';
import { applyGoalChange, GoalState } from './goal-status';
import { PlanAccess } from './plan-access';
import { isPlanClosed } from './plan-status';
import { toGoalResponse } from './recovery-plan.mapper';
import { RecoveryPlanRepository } from './recovery-plan.repository';
import {
  GoalAchievementError,
  GoalTransitionError,
  PlanClosedError,
} from './recovery-plans.errors';

const stale = (): DomainError =>
  new DomainError('PRECONDITION_FAILED', 'The record changed since you read it; reload and retry.');

@Injectable()
export class GoalsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repo: RecoveryPlanRepository,
    private readonly plans: PlanAccess,
    private readonly audit: AuditService,
  ) {}

  async create(principal: Principal, planId: string, dto: CreateGoalDto): Promise<GoalResponse> {
    return this.uow.run(principal, async (tx) => {
      const m = tx.manager;
      const plan = await this.plans.requirePlan(principal, planId, m);
      // A closed plan is history; new goals belong on a new plan.
      if (isPlanClosed(plan.status)) throw new PlanClosedError();
      const state = goalState({ lifecycleStatus: 'proposed', achievementStatus: null }, dto);
      const saved = await this.repo.insertGoal(m, {
        organizationId: plan.organizationId,
        clientId: plan.clientId,
        planId: plan.id,
        description: dto.description,
        domain: dto.domain,
        targetDate: dto.targetDate ?? null,
        actionSteps: (dto.actionSteps ?? []).map((s) => ({
          text: s.text,
          done: s.done ?? false,
        })),
        ...state,
        createdById: principal.id,
      });
      tx.audit(entry('goal.create', saved));
      return toGoalResponse(await this.repo.findGoalById(m, saved.id));
    });
  }

  async list(principal: Principal, planId: string, query: PageQuery): Promise<Page<GoalResponse>> {
    const pager = new Pager(query, { principal: principal, list: `goals:${planId}` });
    const plan = await this.plans.requirePlan(principal, planId);
    const rows = await this.repo.pageGoalsOfPlan(planId, plan.organizationId, pager);
    await this.audit.recordNow(principal, {
      action: 'goal.list',
      clientId: plan.clientId,
      resourceType: 'RecoveryPlan',
      resourceId: plan.id,
    });
    return pager.page(rows, (g) => ({ key: g.createdAt.toISOString(), id: g.id }), toGoalResponse);
  }

  async get(principal: Principal, id: string): Promise<GoalResponse> {
    const goal = await this.plans.requireGoal(principal, id);
    await this.audit.recordNow(principal, entry('goal.read', goal));
    return toGoalResponse(goal);
  }

  async update(
    principal: Principal,
    id: string,
    expectedVersion: number,
    dto: UpdateGoalDto,
  ): Promise<GoalResponse> {
    return this.uow.run(principal, async (tx) => {
      const m = tx.manager;
      const goal = await this.plans.requireGoal(principal, id, m);
      if (goal.version !== expectedVersion) throw stale();
      const plan = await this.repo.findPlanById(m, goal.planId);
      if (isPlanClosed(plan.status)) throw new PlanClosedError();
      const { lifecycleStatus, achievementStatus, actionSteps, ...fields } = definedOnly(dto);
      const state = goalState(goal, { lifecycleStatus, achievementStatus });
      await this.repo.updateGoalVersioned(
        m,
        { id, organizationId: goal.organizationId },
        expectedVersion,
        {
          ...fields,
          ...(actionSteps
            ? { actionSteps: actionSteps.map((s) => ({ text: s.text, done: s.done ?? false })) }
            : {}),
          ...state,
        },
      );
      const saved = await this.repo.findGoalById(m, id);
      const action =
        saved.lifecycleStatus === goal.lifecycleStatus
          ? 'goal.update'
          : `goal.${saved.lifecycleStatus}`;
      tx.audit(entry(action, saved));
      return toGoalResponse(saved);
    });
  }
}

function goalState(current: GoalState, change: Partial<GoalState>): GoalState {
  const result = applyGoalChange(current, change);
  if (result.ok) return result.state;
  if (result.reason === 'achievement') throw new GoalAchievementError();
  throw new GoalTransitionError(
    current.lifecycleStatus,
    change.lifecycleStatus ?? current.lifecycleStatus,
  );
}

function entry(action: string, goal: Goal) {
  return { action, clientId: goal.clientId, resourceType: 'Goal', resourceId: goal.id };
}
