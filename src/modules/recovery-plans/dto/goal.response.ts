import { ApiProperty } from '@nestjs/swagger';

import { RECOVERY_DOMAINS, RecoveryDomain } from '../goal.entity';
import {
  GOAL_ACHIEVEMENT_STATUSES,
  GOAL_LIFECYCLE_STATUSES,
  GoalAchievementStatus,
  GoalLifecycleStatus,
} from '../goal-status';

export class ActionStepResponse {
  text: string;

  done: boolean;
}

export class GoalResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  planId: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  description: string;

  @ApiProperty({ enum: RECOVERY_DOMAINS })
  domain: RecoveryDomain;

  @ApiProperty({ format: 'date' })
  targetDate: string | null;

  actionSteps: ActionStepResponse[];

  @ApiProperty({ enum: GOAL_LIFECYCLE_STATUSES })
  lifecycleStatus: GoalLifecycleStatus;

  @ApiProperty({ enum: GOAL_ACHIEVEMENT_STATUSES })
  achievementStatus: GoalAchievementStatus | null;

  @ApiProperty({ format: 'uuid' })
  createdById: string | null;

  /** How many session notes (drafts included) addressed the goal: the notes `GET /session-notes?goalId=` lists */
  notesCount: number;

  /** When the latest of those sessions started; null before any */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastAddressedAt: string | null;

  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class GoalPageResponse {
  items: GoalResponse[];

  nextCursor: string | null;
}
