import { ApiProperty } from '@nestjs/swagger';

import { RECOVERY_DOMAINS, RecoveryDomain } from '../goal.entity';
import {
  GOAL_ACHIEVEMENT_STATUSES,
  GOAL_LIFECYCLE_STATUSES,
  GoalAchievementStatus,
  GoalLifecycleStatus,
} from '../goal-status';

export class ActionStepResponse {
  @ApiProperty()
  text: string;

  @ApiProperty()
  done: boolean;
}

export class GoalResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  planId: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ enum: RECOVERY_DOMAINS })
  domain: RecoveryDomain;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  targetDate: string | null;

  @ApiProperty({ type: [ActionStepResponse] })
  actionSteps: ActionStepResponse[];

  @ApiProperty({ enum: GOAL_LIFECYCLE_STATUSES })
  lifecycleStatus: GoalLifecycleStatus;

  @ApiProperty({ enum: GOAL_ACHIEVEMENT_STATUSES, nullable: true })
  achievementStatus: GoalAchievementStatus | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdById: string | null;

  @ApiProperty()
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class GoalPageResponse {
  @ApiProperty({ type: [GoalResponse] })
  items: GoalResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
