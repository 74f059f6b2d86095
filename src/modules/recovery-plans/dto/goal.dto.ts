import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { RECOVERY_DOMAINS, RecoveryDomain } from '../goal.entity';
import {
  GOAL_ACHIEVEMENT_STATUSES,
  GOAL_LIFECYCLE_STATUSES,
  GoalAchievementStatus,
  GoalLifecycleStatus,
} from '../goal-status';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TARGET_DATE_MESSAGE = { message: 'targetDate must be a date (YYYY-MM-DD)' };
const given = (_: unknown, value: unknown): boolean => value !== undefined;
// A new goal starts before it is pursued or finished; completing one is a transition.
const CREATABLE_LIFECYCLE: readonly GoalLifecycleStatus[] = [
  'proposed',
  'planned',
  'accepted',
  'active',
];

export class ActionStepDto {
  @ApiProperty({ example: 'Call the housing navigator' })
  @MaxLength(500)
  @MinLength(1)
  @IsString()
  readonly text: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  readonly done: boolean = false;
}

class GoalFieldsDto {
  @ApiPropertyOptional({ example: '2027-03-31', format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true }, TARGET_DATE_MESSAGE)
  @Matches(DATE, TARGET_DATE_MESSAGE)
  readonly targetDate?: string | null;

  @ValidateIf(given)
  @Type(() => ActionStepDto)
  @ValidateNested({ each: true })
  @ArrayMaxSize(30)
  @IsArray()
  readonly actionSteps?: ActionStepDto[];

  @IsOptional()
  @IsIn(GOAL_ACHIEVEMENT_STATUSES)
  readonly achievementStatus?: GoalAchievementStatus | null;
}

export class CreateGoalDto extends GoalFieldsDto {
  @ApiProperty({ example: 'Move into stable housing' })
  @MaxLength(2000)
  @MinLength(1)
  @IsString()
  readonly description: string;

  @ApiProperty({ enum: RECOVERY_DOMAINS, description: "SAMHSA's four dimensions of recovery" })
  @IsIn(RECOVERY_DOMAINS)
  readonly domain: RecoveryDomain;

  @ApiPropertyOptional({ enum: CREATABLE_LIFECYCLE, default: 'proposed' })
  @ValidateIf(given)
  @IsIn(CREATABLE_LIFECYCLE)
  readonly lifecycleStatus?: GoalLifecycleStatus;
}

/** The plan and client of a goal are not fields: a goal never moves to another plan or client. */
export class UpdateGoalDto extends GoalFieldsDto {
  @ApiPropertyOptional({ example: 'Go to a recovery meeting close to home every week' })
  @ValidateIf(given)
  @MaxLength(2000)
  @MinLength(1)
  @IsString()
  readonly description?: string;

  @ValidateIf(given)
  @IsIn(RECOVERY_DOMAINS)
  readonly domain?: RecoveryDomain;

  @ApiPropertyOptional({
    enum: GOAL_LIFECYCLE_STATUSES,
    description: 'Only sensible transitions (FHIR Goal)',
  })
  @ValidateIf(given)
  @IsIn(GOAL_LIFECYCLE_STATUSES)
  readonly lifecycleStatus?: GoalLifecycleStatus;
}
