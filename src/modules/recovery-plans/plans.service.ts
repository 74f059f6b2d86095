import { Injectable } from '@nestjs/common';

import { AccessService } from '../../auth/access.service';
import { Principal } from '../../auth/principal';
import { Page, Pager } from '../../common/dto/pagination';
import { DomainError } from '../../common/errors/domain-error';
import { isUniqueViolation } from '../../database/pg-errors';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import { CreatePlanDto, ListPlansQuery, UpdatePlanDto } from './dto/plan.dto';
import { PlanResponse } from './dto/plan.response';
import { definedOnly } from './defined-only';
import { PlanAccess } from './plan-access';
import { addDays, DEFAULT_REVIEW_DAYS, planDateErrors, todayUtc } from './plan-dates';
import { canMovePlan, isPlanClosed, PlanStatus } from './plan-status';
import { RecoveryPlan } from './recovery-plan.entity';
import { RecoveryPlanRepository } from './recovery-plan.repository';
import { toPlanResponse } from './recovery-plan.mapper';
import {
  ActivePlanExistsError,
  PlanAgreementRequiredError,
  PlanClosedError,
  PlanDatesError,
  PlanTransitionError,
} from './recovery-plans.errors';

const ONE_ACTIVE = 'recovery_plan_one_active_uq';
const stale = (): DomainError =>
  new DomainError('PRECONDITION_FAILED', 'The record changed since you read it; reload and retry.');

@Injectable()
export class PlansService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repo: RecoveryPlanRepository,
    private readonly access: AccessService,
    private readonly plans: PlanAccess,
    private readonly audit: AuditService,
  ) {}

  async create(principal: Principal, clientId: string, dto: CreatePlanDto): Promise<PlanResponse> {
    const startDate = dto.startDate ?? todayUtc();
    const plan = {
      title: dto.title,
      status: dto.status ?? 'draft',
      startDate,
      endDate: dto.endDate ?? null,
      reviewDueAt: dto.reviewDueAt ?? addDays(startDate, DEFAULT_REVIEW_DAYS),
      strengths: dto.strengths ?? [],
      barriers: dto.barriers ?? [],
      agreedOn: dto.clientAgreement?.agreedOn ?? null,
      agreementMethod: dto.clientAgreement?.method ?? null,
    };
    checkPlan(plan);
    return this.guardOneActive(
      () => clientId,
      () =>
        this.uow.run(principal, async (tx) => {
          const m = tx.manager;
          const client = await this.access.requireClient(principal, clientId, m);
          const saved = await this.repo.insertPlan(m, {
            ...plan,
            organizationId: client.organizationId,
            clientId,
            createdById: principal.id,
          });
          tx.audit(this.entry('recovery-plan.create', saved));
          return toPlanResponse(await this.repo.findPlanById(m, saved.id));
        }),
    );
  }

  async list(
    principal: Principal,
    clientId: string,
    query: ListPlansQuery,
  ): Promise<Page<PlanResponse>> {
    const pager = new Pager(query, { principal: principal, list: `recovery-plans:${clientId}` });
    await this.access.requireClient(principal, clientId);
    const rows = await this.repo.pageForClient(
      clientId,
      principal.organizationId,
      query.status,
      pager,
    );
    await this.audit.recordNow(principal, {
      action: 'recovery-plan.list',
      clientId,
      resourceType: 'RecoveryPlan',
    });
    return pager.page(rows, (p) => ({ key: p.createdAt.toISOString(), id: p.id }), toPlanResponse);
  }

  async get(principal: Principal, id: string): Promise<PlanResponse> {
    const plan = await this.plans.requirePlan(principal, id);
    await this.audit.recordNow(principal, this.entry('recovery-plan.read', plan));
    return toPlanResponse(plan);
  }

  async update(
    principal: Principal,
    id: string,
    expectedVersion: number,
    dto: UpdatePlanDto,
  ): Promise<PlanResponse> {
    let clientId: string | undefined;
    return this.guardOneActive(
      () => clientId,
      () =>
        this.uow.run(principal, async (tx) => {
          const m = tx.manager;
          const plan = await this.plans.requirePlan(principal, id, m);
          clientId = plan.clientId;
          if (plan.version !== expectedVersion) throw stale();
          const patch = planPatch(plan, dto);
          await this.repo.updatePlanVersioned(
            m,
            { id, organizationId: plan.organizationId },
            expectedVersion,
            patch,
          );
          const saved = await this.repo.findPlanById(m, id);
          tx.audit(this.entry(actionOf(plan.status, saved.status), saved));
          return toPlanResponse(saved);
        }),
    );
  }

  private entry(action: string, plan: RecoveryPlan) {
    return { action, clientId: plan.clientId, resourceType: 'RecoveryPlan', resourceId: plan.id };
  }

  /** The partial unique index is the last word on "one active plan", races included. */
  private async guardOneActive<T>(
    clientIdOf: () => string | undefined,
    write: () => Promise<T>,
  ): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (!isUniqueViolation(err, ONE_ACTIVE)) throw err;
      throw new ActivePlanExistsError(await this.repo.activePlanId(clientIdOf()));
    }
  }
}

type PlanState = Pick<
  RecoveryPlan,
  'status' | 'startDate' | 'endDate' | 'reviewDueAt' | 'agreedOn' | 'agreementMethod'
>;

// Person-centred planning: a plan is the client's plan only once they have agreed to it.
function checkPlan(plan: PlanState): void {
  const errors = planDateErrors(plan);
  if (errors.length > 0) throw new PlanDatesError(errors);
  if (plan.status === 'active' && !plan.agreedOn) throw new PlanAgreementRequiredError();
}

function planPatch(plan: RecoveryPlan, dto: UpdatePlanDto): Partial<RecoveryPlan> {
  if (isPlanClosed(plan.status)) throw new PlanClosedError();
  const { clientAgreement, ...fields } = dto;
  const patch: Partial<RecoveryPlan> = {
    ...definedOnly(fields),
    ...(clientAgreement
      ? { agreedOn: clientAgreement.agreedOn, agreementMethod: clientAgreement.method }
      : {}),
  };
  const next = { ...plan, ...patch };
  if (!canMovePlan(plan.status, next.status))
    throw new PlanTransitionError(plan.status, next.status);
  checkPlan(next);
  return patch;
}

function actionOf(from: PlanStatus, to: PlanStatus): string {
  return from === to ? 'recovery-plan.update' : `recovery-plan.${to}`;
}
