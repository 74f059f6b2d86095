import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

import { PageQuery } from '../../../common/dto/page.query';
import {
  ATTEMPT_METHODS,
  ATTEMPT_OUTCOMES,
  AttemptMethod,
  AttemptOutcome,
} from '../follow-up-attempt.entity';
import { FOLLOW_UP_STATUSES, FollowUpStatus } from '../follow-up-status';

export const FOLLOW_UP_VIEWS = ['mine', 'due-today', 'overdue', 'needs-assignment'] as const;
export type FollowUpView = (typeof FOLLOW_UP_VIEWS)[number];

export class FollowUpQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: FOLLOW_UP_VIEWS,
    description:
      'mine: open tasks I own; due-today: open, due this UTC day; overdue: open, past due; needs-assignment: open, no owner',
  })
  @IsOptional()
  @IsIn(FOLLOW_UP_VIEWS)
  readonly view?: FollowUpView;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  readonly clientId?: string;

  @ApiPropertyOptional({ enum: FOLLOW_UP_STATUSES })
  @IsOptional()
  @IsIn(FOLLOW_UP_STATUSES)
  readonly status?: FollowUpStatus;
}

export const COMPLETION_OUTCOMES = ['reached', 'declined', 'unreachable'] as const;

export class CompleteFollowUpDto {
  @ApiProperty({
    enum: COMPLETION_OUTCOMES,
    description: 'reached or declined complete the task; unreachable closes it as failed',
  })
  @IsIn(COMPLETION_OUTCOMES)
  readonly outcome: (typeof COMPLETION_OUTCOMES)[number];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The session note that documents the contact',
  })
  @IsOptional()
  @IsUUID()
  readonly sessionNoteId?: string;
}

export class CancelFollowUpDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @MaxLength(500)
  @IsString()
  readonly reason?: string;
}

export class RecordAttemptDto {
  @ApiProperty({ enum: ATTEMPT_METHODS })
  @IsIn(ATTEMPT_METHODS)
  readonly method: AttemptMethod;

  @ApiProperty({ enum: ATTEMPT_OUTCOMES })
  @IsIn(ATTEMPT_OUTCOMES)
  readonly outcome: AttemptOutcome;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @MinLength(1)
  @MaxLength(2000)
  @IsString()
  readonly note?: string;
}

export class FollowUpAttemptResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ATTEMPT_METHODS })
  method: AttemptMethod;

  @ApiProperty({ enum: ATTEMPT_OUTCOMES })
  outcome: AttemptOutcome;

  @ApiProperty({ nullable: true, type: String })
  note: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  authorId: string | null;

  @ApiProperty({ format: 'date-time' })
  attemptedAt: string;
}

export class FollowUpResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  dischargeId: string | null;

  @ApiProperty({ enum: ['contact', 'assessment'] })
  kind: string;

  @ApiProperty({ example: 'day-7' })
  label: string;

  @ApiProperty({ enum: FOLLOW_UP_STATUSES })
  status: FollowUpStatus;

  @ApiProperty({ format: 'date-time' })
  dueAt: string;

  @ApiProperty({ format: 'date-time' })
  windowStart: string;

  @ApiProperty({ format: 'date-time' })
  windowEnd: string;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'null: in the needs-assignment queue',
  })
  ownerId: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  startedAt: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  completedAt: string | null;

  @ApiProperty({ enum: COMPLETION_OUTCOMES, nullable: true, type: String })
  outcome: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why it was cancelled or put on hold' })
  statusReason: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  sessionNoteId: string | null;

  @ApiProperty({ description: 'Attempts with outcome unable_to_reach' })
  unreachableAttempts: number;

  @ApiProperty({ type: [FollowUpAttemptResponse] })
  attempts: FollowUpAttemptResponse[];

  @ApiProperty()
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class FollowUpPageResponse {
  @ApiProperty({ type: [FollowUpResponse] })
  items: FollowUpResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
