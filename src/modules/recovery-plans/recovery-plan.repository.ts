import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { pageNewestFirst } from '../../common/dto/keyset';
import { Pager } from '../../common/dto/pagination';
import { updateVersioned } from '../../common/http/etag';
import { Goal } from './goal.entity';
import { PlanStatus } from './plan-status';
import { RecoveryPlan } from './recovery-plan.entity';

/** Every statement of recovery plans and their goals. */
@Injectable()
export class RecoveryPlanRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The primary's manager, for the reads a request makes outside a write. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** A plan of the organization, or null. */
  findPlanInOrg(
    m: EntityManager,
    id: string,
    organizationId: string,
  ): Promise<RecoveryPlan | null> {
    return m.findOneBy(RecoveryPlan, { id, organizationId });
  }

  /** A goal of the organization, or null. */
  findGoalInOrg(m: EntityManager, id: string, organizationId: string): Promise<Goal | null> {
    return m.findOneBy(Goal, { id, organizationId });
  }

  findPlanById(m: EntityManager, id: string): Promise<RecoveryPlan> {
    return m.findOneByOrFail(RecoveryPlan, { id });
  }

  findGoalById(m: EntityManager, id: string): Promise<Goal> {
    return m.findOneByOrFail(Goal, { id });
  }

  insertPlan(m: EntityManager, plan: Partial<RecoveryPlan>): Promise<RecoveryPlan> {
    return m.save(m.create(RecoveryPlan, plan));
  }

  insertGoal(m: EntityManager, goal: Partial<Goal>): Promise<Goal> {
    return m.save(m.create(Goal, goal));
  }

  /** The plan's fields under If-Match (412 when stale, 404 when gone). */
  updatePlanVersioned(
    m: EntityManager,
    where: { id: string; organizationId: string },
    expectedVersion: number,
    patch: Partial<RecoveryPlan>,
  ): Promise<void> {
    return updateVersioned(m, RecoveryPlan, where, expectedVersion, patch);
  }

  /** The goal's fields under If-Match (412 when stale, 404 when gone). */
  updateGoalVersioned(
    m: EntityManager,
    where: { id: string; organizationId: string },
    expectedVersion: number,
    patch: Partial<Goal>,
  ): Promise<void> {
    return updateVersioned(m, Goal, where, expectedVersion, patch);
  }

  /** A page of a client's plans, newest first. */
  pageForClient(
    clientId: string,
    organizationId: string,
    status: PlanStatus | undefined,
    pager: Pager,
  ): Promise<RecoveryPlan[]> {
    const qb = this.dataSource
      .getRepository(RecoveryPlan)
      .createQueryBuilder('p')
      .where('p.client_id = :clientId AND p.organization_id = :org', {
        clientId,
        org: organizationId,
      });
    if (status) qb.andWhere('p.status = :status', { status });
    return pageNewestFirst(qb, 'p', pager).getMany();
  }

  /** A page of a plan's goals, newest first. */
  pageGoalsOfPlan(planId: string, organizationId: string, pager: Pager): Promise<Goal[]> {
    const qb = this.dataSource
      .getRepository(Goal)
      .createQueryBuilder('g')
      .where('g.plan_id = :planId AND g.organization_id = :org', {
        planId,
        org: organizationId,
      });
    return pageNewestFirst(qb, 'g', pager).getMany();
  }

  /** The id of the client's active plan, or null. */
  async activePlanId(clientId: string | undefined): Promise<string | null> {
    const [active] = await this.dataSource.query(
      `SELECT id FROM recovery_plan WHERE client_id = $1 AND status = 'active'`,
      [clientId],
    );
    return active?.id ?? null;
  }
}
