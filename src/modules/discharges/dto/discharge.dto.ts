import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
  @ApiProperty({ example: 'Riverside Withdrawal Management Center' })
  @MinLength(1)
  @MaxLength(200)
  @IsString()
  readonly facility: string;

  @IsIn(LEVELS_OF_CARE)
  readonly levelOfCare: LevelOfCare;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true })
  readonly admittedAt: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true })
  readonly dischargedAt: string;

  @ApiPropertyOptional({ example: 'home' })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  readonly disposition?: string;

  /** A planned discharge, or against advice / unplanned */
  @IsBoolean()
  readonly planned: boolean;
}

export class DischargeResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  facility: string;

  @ApiProperty({ enum: LEVELS_OF_CARE })
  levelOfCare: LevelOfCare;

  @ApiProperty({ format: 'date-time' })
  admittedAt: string;

  @ApiProperty({ format: 'date-time' })
  dischargedAt: string;

  disposition: string | null;

  planned: boolean;

  @ApiProperty({ enum: ['staff', 'integration'] })
  source: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  followUps: FollowUpResponse[];
}

export class CreateReadmissionDto {
  @MinLength(1)
  @MaxLength(200)
  @IsString()
  readonly facility: string;

  @IsIn(LEVELS_OF_CARE)
  readonly levelOfCare: LevelOfCare;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true })
  readonly admittedAt: string;
}

export class ReadmissionResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  facility: string;

  @ApiProperty({ enum: LEVELS_OF_CARE })
  levelOfCare: LevelOfCare;

  @ApiProperty({ format: 'date-time' })
  admittedAt: string;

  @ApiProperty({ format: 'uuid', description: 'Follow-ups put on hold by this readmission' })
  pausedFollowUpIds: string[];
}

/** A created record, or the one that already existed (200 rather than 201). */
export interface Recorded<T> {
  created: boolean;
  body: T;
}
