import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntityTarget } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { Principal } from '../../auth/principal';
import { NotFoundError } from '../../common/errors/domain-error';
import { Goal } from './goal.entity';
import { RecoveryPlan } from './recovery-plan.entity';

/**
 * Plans and goals are reached through their client's scope: a plan or goal of a client outside
 * the caller's scope answers exactly as one that does not exist.
 */
@Injectable()
export class PlanAccess {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  requirePlan(principal: Principal, id: string, manager?: EntityManager): Promise<RecoveryPlan> {
    return this.requireInScope(principal, RecoveryPlan, id, 'Recovery plan', manager);
  }

  requireGoal(principal: Principal, id: string, manager?: EntityManager): Promise<Goal> {
    return this.requireInScope(principal, Goal, id, 'Goal', manager);
  }

  private async requireInScope<T extends RecoveryPlan | Goal>(
    principal: Principal,
    target: EntityTarget<T>,
    id: string,
    resource: string,
    manager = this.dataSource.manager,
  ): Promise<T> {
    const row = (await manager.findOneBy(target, {
      id,
      organizationId: principal.organizationId,
    } as never)) as T | null;
    if (!row) throw new NotFoundError(resource);
    try {
      await this.access.requireClient(principal, row.clientId, manager);
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError(resource);
      throw err;
    }
    return row;
  }
}
