import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { Principal } from '../../auth/principal';
import { NotFoundError } from '../../common/errors/domain-error';
import { Goal } from './goal.entity';
import { RecoveryPlan } from './recovery-plan.entity';
import { RecoveryPlanRepository } from './recovery-plan.repository';

/**
 * Plans and goals are reached through their client's scope: a plan or goal of a client outside
 * the caller's scope answers exactly as one that does not exist.
 */
@Injectable()
export class PlanAccess {
  constructor(
    private readonly repo: RecoveryPlanRepository,
    private readonly access: AccessService,
  ) {}

  requirePlan(
    principal: Principal,
    id: string,
    manager = this.repo.manager,
  ): Promise<RecoveryPlan> {
    return this.requireInScope(
      principal,
      this.repo.findPlanInOrg(manager, id, principal.organizationId),
      'Recovery plan',
      manager,
    );
  }

  requireGoal(principal: Principal, id: string, manager = this.repo.manager): Promise<Goal> {
    return this.requireInScope(
      principal,
      this.repo.findGoalInOrg(manager, id, principal.organizationId),
      'Goal',
      manager,
    );
  }

  private async requireInScope<T extends RecoveryPlan | Goal>(
    principal: Principal,
    found: Promise<T | null>,
    resource: string,
    manager: EntityManager,
  ): Promise<T> {
    const row = await found;
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
