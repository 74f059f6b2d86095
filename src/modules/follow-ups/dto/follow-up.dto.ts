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

  @IsOptional()
  @IsUUID()
  readonly clientId?: string;

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

  /** The session note that documents the contact */
  @ApiPropertyOptional({ example: '8f14e45f-ceea-467f-a0e2-3c8d1b2a9e01' })
  @IsOptional()
  @IsUUID()
  readonly sessionNoteId?: string;

  /**
   * The client's BARC-10 that fulfils an assessment task (kind assessment only); when omitted,
   * the latest one administered within the task's window, if any
   */
  @ApiPropertyOptional({ example: 'c9f0f895-fb98-4b91-8c5e-2f4a7d3e6b02' })
  @IsOptional()
  @IsUUID()
  readonly assessmentId?: string;
}

export class CancelFollowUpDto {
  @ApiPropertyOptional({ example: 'Client moved out of state' })
  @IsOptional()
  @MaxLength(500)
  @IsString()
  readonly reason?: string;
}

export class RecordAttemptDto {
  @IsIn(ATTEMPT_METHODS)
  readonly method: AttemptMethod;

  @IsIn(ATTEMPT_OUTCOMES)
  readonly outcome: AttemptOutcome;

  @ApiPropertyOptional({ example: 'Left a voicemail; will try again tomorrow morning.' })
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

  note: string | null;

  @ApiProperty({ format: 'uuid' })
  authorId: string | null;

  @ApiProperty({ format: 'date-time' })
  attemptedAt: string;
}

export class FollowUpResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ format: 'uuid' })
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

  @ApiProperty({ format: 'uuid', description: 'null: in the needs-assignment queue' })
  ownerId: string | null;

  @ApiProperty({ format: 'date-time' })
  startedAt: string | null;

  @ApiProperty({ format: 'date-time' })
  completedAt: string | null;

  @ApiProperty({ enum: COMPLETION_OUTCOMES })
  outcome: string | null;

  /** Why it was cancelled or put on hold */
  statusReason: string | null;

  @ApiProperty({ format: 'uuid' })
  sessionNoteId: string | null;

  @ApiProperty({
    format: 'uuid',
    description: 'The BARC-10 that fulfilled an assessment task (kind assessment)',
  })
  assessmentId: string | null;

  /** Attempts with outcome unable_to_reach */
  unreachableAttempts: number;

  attempts: FollowUpAttemptResponse[];

  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class FollowUpPageResponse {
  items: FollowUpResponse[];

  nextCursor: string | null;
}
