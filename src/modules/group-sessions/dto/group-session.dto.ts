import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEnum,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';

import { PageQuery } from '../../../common/dto/page.query';
import { Attendance } from '../group-session.entity';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export class AttendeeDto {
  @ApiProperty({ example: '8f14e45f-ceea-467f-a0e2-3c8d1b2a9e01' })
  @IsUUID()
  readonly clientId: string;

  @ApiProperty({ example: 'Shared a goal for the week; encouraged a newer member.' })
  @Matches(/\S/, { message: 'participation must not be blank' })
  @MaxLength(5000)
  @IsString()
  readonly participation: string;

  @ApiPropertyOptional({ enum: Attendance, default: Attendance.Attended })
  @IsOptional()
  @IsEnum(Attendance)
  readonly attendance?: Attendance;
}

export class CreateGroupSessionDto {
  @ApiProperty({ example: 'Building a recovery support network' })
  @MinLength(1)
  @MaxLength(200)
  @IsString()
  readonly topic: string;

  /** Defaults to the caller */
  @ApiPropertyOptional({ example: 'c9f0f895-fb98-4b91-8c5e-2f4a7d3e6b02' })
  @IsOptional()
  @IsUUID()
  readonly facilitatorId?: string;

  @ApiPropertyOptional({ example: 'community center' })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  readonly setting?: string;

  @ApiProperty({ example: '2026-11-20T17:00:00Z', format: 'date-time' })
  @IsISO8601({ strict: true })
  @Matches(INSTANT, { message: 'startedAt must be an ISO-8601 instant' })
  readonly startedAt: string;

  @ApiProperty({ example: '2026-11-20T18:30:00Z', format: 'date-time' })
  @IsISO8601({ strict: true })
  @Matches(INSTANT, { message: 'endedAt must be an ISO-8601 instant' })
  readonly endedAt: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AttendeeDto)
  readonly attendees: AttendeeDto[];
}

export class ParticipationQuery extends PageQuery {}

/** The group sessions the caller facilitated or recorded, or that a client in their scope attended. */
export class GroupSessionQuery extends PageQuery {}

/**
 * A draft's corrections (facilitator or recorder, `If-Match`). Each listed attendee's entry is
 * added or replaced; attendees not listed stay as they are.
 */
export class UpdateGroupSessionDto {
  @ApiPropertyOptional({ example: 'Building a recovery support network' })
  @IsOptional()
  @MinLength(1)
  @MaxLength(200)
  @IsString()
  readonly topic?: string;

  @ApiPropertyOptional({ example: 'community center' })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  readonly setting?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-20T17:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(INSTANT, { message: 'startedAt must be an ISO-8601 instant' })
  readonly startedAt?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-20T18:30:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(INSTANT, { message: 'endedAt must be an ISO-8601 instant' })
  readonly endedAt?: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AttendeeDto)
  readonly attendees?: AttendeeDto[];
}
