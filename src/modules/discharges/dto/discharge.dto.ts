import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';

import { FollowUpResponse } from '../../follow-ups/dto/follow-up.dto';
import { LEVELS_OF_CARE, LevelOfCare } from '../cadence';

export class CreateDischargeDto {
  @ApiProperty({ example: 'Riverside Withdrawal Management Center', maxLength: 200 })
  @MinLength(1)
  @MaxLength(200)
  @IsString()
  readonly facility: string;

  @ApiProperty({ enum: LEVELS_OF_CARE })
  @IsIn(LEVELS_OF_CARE)
  readonly levelOfCare: LevelOfCare;

  @ApiProperty({ example: '2026-11-25T10:00:00Z', format: 'date-time' })
  @IsISO8601({ strict: true })
  readonly admittedAt: string;

  @ApiProperty({ example: '2026-11-30T16:00:00Z', format: 'date-time' })
  @IsISO8601({ strict: true })
  readonly dischargedAt: string;

  @ApiPropertyOptional({ example: 'home', maxLength: 200 })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  readonly disposition?: string;

  @ApiProperty({ description: 'A planned discharge, or against advice / unplanned' })
  @IsBoolean()
  readonly planned: boolean;
}

export class DischargeResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty()
  facility: string;

  @ApiProperty({ enum: LEVELS_OF_CARE })
  levelOfCare: LevelOfCare;

  @ApiProperty({ format: 'date-time' })
  admittedAt: string;

  @ApiProperty({ format: 'date-time' })
  dischargedAt: string;

  @ApiProperty({ nullable: true, type: String })
  disposition: string | null;

  @ApiProperty()
  planned: boolean;

  @ApiProperty({ enum: ['staff', 'integration'] })
  source: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: [FollowUpResponse] })
  followUps: FollowUpResponse[];
}

/** A readmission names its stay like a discharge, without its end. */
export class CreateReadmissionDto extends PickType(CreateDischargeDto, [
  'facility',
  'levelOfCare',
  'admittedAt',
] as const) {}

export class ReadmissionResponse extends PickType(DischargeResponse, [
  'id',
  'clientId',
  'facility',
  'levelOfCare',
  'admittedAt',
] as const) {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Follow-ups put on hold by this readmission',
  })
  pausedFollowUpIds: string[];
}

/** A created record, or the one that already existed (200 rather than 201). */
export interface Recorded<T> {
  created: boolean;
  body: T;
}
