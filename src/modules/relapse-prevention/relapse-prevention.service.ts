import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { Principal, UserPrincipal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { InvalidCursorError, Page, Pager } from '../../common/dto/pagination';
import { NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { staleError } from '../../common/http/etag';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import { PutRelapsePreventionPlanDto } from './dto/relapse-prevention-plan.dto';
import {
  RelapsePlanPointerResponse,
  RelapsePlanVersionResponse,
  RelapsePreventionPlanResponse,
} from './dto/relapse-prevention-plan.response';
import {
  toContent,
  toPlanResponse,
  toPointer,
  toVersionResponse,
} from './relapse-prevention.mapper';
import { PlanExistsIfMatchRequiredError } from './relapse-prevention.errors';
import { RelapsePreventionRepository } from './relapse-prevention.repository';

const RESOURCE = 'RelapsePreventionPlan';

export interface PutResult {
  created: boolean;
  plan: RelapsePreventionPlanResponse;
}

/**
 * A client's relapse-prevention plan (SPEC 10a): one plan per client, each change a new version
 * row under a conditional write on the plan's version (If-Match); the old versions stay readable.
 * Same scope and audit as session notes: the caller must see the client, every read and write is
 * audited (ids only), and admins hold no permission on it (minimum necessary).
 */
@Injectable()
export class RelapsePreventionService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly plans: RelapsePreventionRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Principal, clientId: string): Promise<RelapsePreventionPlanResponse> {
    await this.access.requireClient(actor, clientId);
    const row = await this.plans.findCurrent(actor.organizationId, clientId);
    if (!row) throw new NotFoundError('Relapse-prevention plan');
    await this.audit.recordNow(actor, {
      action: 'relapse-prevention-plan.read',
      clientId,
      resourceType: RESOURCE,
      resourceId: row.id,
    });
    return toPlanResponse(row, row.content);
  }

  /**
   * Without If-Match the first version is created (a plan already there answers 428); with it,
   * the plan moves from exactly that version to the next (any other answers 412), so of many
   * parallel changes from one version exactly one is kept.
   */
  async put(
    actor: UserPrincipal,
    clientId: string,
    expectedVersion: number | undefined,
    dto: PutRelapsePreventionPlanDto,
  ): Promise<PutResult> {
    const reviewedOn = reviewDate(dto.reviewedWithClientOn);
    const content = toContent(dto);
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.access.requireClient(actor, clientId, m);
      const change = {
        organizationId: actor.organizationId,
        clientId,
        actorId: actor.id,
        reviewedOn,
      };
      const created = expectedVersion === undefined;
      const plan = created
        ? await this.plans.insertPlan(m, change)
        : await this.plans.updatePlan(m, change, expectedVersion);
      if (!plan) throw created ? new PlanExistsIfMatchRequiredError() : staleError();
      await this.plans.insertVersion(m, plan, content, actor.id, reviewedOn);
      tx.audit({
        action: created ? 'relapse-prevention-plan.create' : 'relapse-prevention-plan.update',
        clientId,
        resourceType: RESOURCE,
        resourceId: plan.id,
      });
      return { created, plan: toPlanResponse(plan, content) };
    });
  }

  async listVersions(
    actor: Principal,
    clientId: string,
    query: PageQuery,
  ): Promise<Page<RelapsePlanVersionResponse>> {
    const pager = new Pager(query, {
      principal: actor,
      list: `relapse-prevention-plan-versions:${clientId}`,
      key: 'text',
    });
    const below = versionKey(pager);
    await this.access.requireClient(actor, clientId);
    const rows = await this.plans.listVersions(
      actor.organizationId,
      clientId,
      below,
      query.limit + 1,
    );
    await this.audit.recordNow(actor, {
      action: 'relapse-prevention-plan.version-list',
      clientId,
      resourceType: RESOURCE,
      resourceId: rows[0]?.planId ?? null,
    });
    return pager.page(rows, (r) => ({ key: String(r.version), id: r.planId }), toVersionResponse);
  }

  async getVersion(
    actor: Principal,
    clientId: string,
    version: number,
  ): Promise<RelapsePlanVersionResponse> {
    await this.access.requireClient(actor, clientId);
    const row = await this.plans.findVersion(actor.organizationId, clientId, version);
    if (!row) throw new NotFoundError('Relapse-prevention plan version');
    await this.audit.recordNow(actor, {
      action: 'relapse-prevention-plan.version-read',
      clientId,
      resourceType: RESOURCE,
      resourceId: row.planId,
    });
    return toVersionResponse(row);
  }

  /**
   * The plan a risk-flagged note points to (its id and last review), or null when the client has
   * none. The caller has already checked the client's scope and audits the note it answers.
   */
  async pointerFor(m: EntityManager, clientId: string): Promise<RelapsePlanPointerResponse | null> {
    const row = await this.plans.findPointer(m, clientId);
    return row ? toPointer(row) : null;
  }
}

function reviewDate(day: string | undefined): string | null {
  if (day === undefined) return null;
  const today = new Date().toISOString().slice(0, 10);
  if (day > today) {
    throw new ValidationError([
      { field: 'reviewedWithClientOn', message: 'reviewedWithClientOn must not be in the future' },
    ]);
  }
  return day;
}

// The cursor's key is the last version shown; the list goes on below it.
function versionKey(pager: Pager): number | null {
  const after = pager.after;
  if (!after) return null;
  if (!/^\d{1,9}$/.test(after.key)) throw new InvalidCursorError();
  return Number(after.key);
}
