import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { Goal } from './goal.entity';
import { GoalsController } from './goals.controller';
import { GoalsService } from './goals.service';
import { PlanAccess } from './plan-access';
import { PlansController } from './plans.controller';
import { PlansService } from './plans.service';
import { RecoveryPlan } from './recovery-plan.entity';
import { RecoveryPlanRepository } from './recovery-plan.repository';

@Module({
  imports: [TypeOrmModule.forFeature([RecoveryPlan, Goal])],
  controllers: [PlansController, GoalsController],
  providers: [PlansService, GoalsService, PlanAccess, RecoveryPlanRepository],
  exports: [PlansService, GoalsService],
})
export class RecoveryPlansModule {}
