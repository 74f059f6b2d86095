import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { RelapsePlanPointerResponse } from './dto/relapse-prevention-plan.response';
import { RelapsePlanContent } from './relapse-plan-content';
import { PlanRow, VersionRow } from './relapse-prevention.mapper';
import {
  CURRENT_PLAN,
  INSERT_PLAN,
  INSERT_VERSION,
  LIST_VERSIONS,
  ONE_VERSION,
  PLAN_POINTER,
  UPDATE_PLAN,
} from './relapse-prevention.queries';

/** Who changes the plan, and the review date they record (or null). */
export interface PlanChange {
  organizationId: string;
  clientId: string;
  actorId: string;
  reviewedOn: string | null;
}

/** Every statement of relapse-prevention plans and their versions (SQL text: ./relapse-prevention.queries). */
@Injectable()
export class RelapsePreventionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The client's plan with its current version's content, or undefined. */
  async findCurrent(
    organizationId: string,
    clientId: string,
  ): Promise<(PlanRow & { content: RelapsePlanContent }) | undefined> {
    const [row]: (PlanRow & { content: RelapsePlanContent })[] = await this.dataSource.query(
      CURRENT_PLAN,
      [organizationId, clientId],
    );
    return row;
  }

  /** The first version's plan row; undefined when the client already has a plan. */
  async insertPlan(m: EntityManager, change: PlanChange): Promise<PlanRow | undefined> {
    const [plan]: PlanRow[] = await m.query(INSERT_PLAN, paramsOf(change));
    return plan;
  }

  /** The conditional write from `expectedVersion`; undefined when another change got there first. */
  async updatePlan(
    m: EntityManager,
    change: PlanChange,
    expectedVersion: number,
  ): Promise<PlanRow | undefined> {
    const [plan]: PlanRow[] = (
      await m.query(UPDATE_PLAN, [...paramsOf(change), expectedVersion])
    )[0];
    return plan;
  }

  async insertVersion(
    m: EntityManager,
    plan: PlanRow,
    content: RelapsePlanContent,
    authorId: string,
    reviewedOn: string | null,
  ): Promise<void> {
    await m.query(INSERT_VERSION, [
      plan.id,
      plan.version,
      JSON.stringify(content),
      authorId,
      reviewedOn,
    ]);
  }

  /** A page of the plan's versions, newest first, below `below` (null: from the newest). */
  listVersions(
    organizationId: string,
    clientId: string,
    below: number | null,
    limit: number,
  ): Promise<VersionRow[]> {
    return this.dataSource.query(LIST_VERSIONS, [organizationId, clientId, below, limit]);
  }

  async findVersion(
    organizationId: string,
    clientId: string,
    version: number,
  ): Promise<VersionRow | undefined> {
    const [row]: VersionRow[] = await this.dataSource.query(ONE_VERSION, [
      organizationId,
      clientId,
      version,
    ]);
    return row;
  }

  /** The pointer a risk-flagged note carries, or undefined when the client has no plan. */
  async findPointer(
    m: EntityManager,
    clientId: string,
  ): Promise<RelapsePlanPointerResponse | undefined> {
    const [row]: RelapsePlanPointerResponse[] = await m.query(PLAN_POINTER, [clientId]);
    return row;
  }
}

const paramsOf = (c: PlanChange): unknown[] => [
  c.organizationId,
  c.clientId,
  c.actorId,
  c.reviewedOn,
];
