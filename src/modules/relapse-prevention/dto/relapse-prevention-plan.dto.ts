import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { HELPFUL_PLACE_KINDS, HelpfulPlaceKind } from '../relapse-plan-content';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const REVIEW_DATE_MESSAGE = { message: 'reviewedWithClientOn must be a date (YYYY-MM-DD)' };
const given = (_: unknown, value: unknown): boolean => value !== undefined;
const ITEMS = 50;
const TEXT = 2000;

export class PersonToCallDto {
  @ApiProperty({ example: 'Dana' })
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  readonly name: string;

  @ApiPropertyOptional({ example: 'sponsor' })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  readonly relationship?: string;

  @ApiPropertyOptional({ example: '+1-555-0100' })
  @IsOptional()
  @MaxLength(50)
  @IsString()
  readonly phone?: string;

  /** When to call them, in the client's words */
  @ApiPropertyOptional({ example: 'When I feel like isolating' })
  @IsOptional()
  @MaxLength(TEXT)
  @IsString()
  readonly when?: string;
}

export class HelpfulPlaceDto {
  @ApiProperty({ example: 'Tuesday NA meeting at the library' })
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  readonly name: string;

  @ApiPropertyOptional({ enum: HELPFUL_PLACE_KINDS, default: 'place' })
  @IsOptional()
  @IsIn(HELPFUL_PLACE_KINDS)
  readonly kind?: HelpfulPlaceKind;

  @ApiPropertyOptional({ example: 'Doors open 6:30 pm; ask for Sam' })
  @IsOptional()
  @MaxLength(TEXT)
  @IsString()
  readonly details?: string;
}

export class CrisisContactDto {
  @ApiProperty({ example: 'County mobile crisis team' })
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  readonly name: string;

  @ApiProperty({ example: '988' })
  @MaxLength(50)
  @MinLength(1)
  @IsString()
  readonly phone: string;
}

/**
 * The whole plan, in the client's own words (PUT replaces it: an omitted list is empty). Crisis
 * steps and contacts default to the 988 Suicide & Crisis Lifeline when omitted.
 */
export class PutRelapsePreventionPlanDto {
  @ApiPropertyOptional({ example: ['Payday', 'Driving past my old neighborhood'] })
  @ValidateIf(given)
  @MaxLength(TEXT, { each: true })
  @MinLength(1, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(ITEMS)
  @IsArray()
  readonly triggers?: string[];

  @ApiPropertyOptional({ example: ['Skipping meetings', 'Not sleeping'] })
  @ValidateIf(given)
  @MaxLength(TEXT, { each: true })
  @MinLength(1, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(ITEMS)
  @IsArray()
  readonly warningSigns?: string[];

  @ApiPropertyOptional({ example: ['Call my sponsor', 'Go for a walk'] })
  @ValidateIf(given)
  @MaxLength(TEXT, { each: true })
  @MinLength(1, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(ITEMS)
  @IsArray()
  readonly copingStrategies?: string[];

  @ValidateIf(given)
  @Type(() => PersonToCallDto)
  @ValidateNested({ each: true })
  @ArrayMaxSize(ITEMS)
  @IsArray()
  readonly peopleToCall?: PersonToCallDto[];

  @ValidateIf(given)
  @Type(() => HelpfulPlaceDto)
  @ValidateNested({ each: true })
  @ArrayMaxSize(ITEMS)
  @IsArray()
  readonly helpfulPlaces?: HelpfulPlaceDto[];

  /** What to do in a crisis, in order; defaults to calling or texting 988 */
  @ApiPropertyOptional({ example: ['Call or text 988', 'Go to a safe place'] })
  @ValidateIf(given)
  @MaxLength(TEXT, { each: true })
  @MinLength(1, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(ITEMS)
  @IsArray()
  readonly crisisSteps?: string[];

  /** Defaults to the 988 Suicide & Crisis Lifeline */
  @ValidateIf(given)
  @Type(() => CrisisContactDto)
  @ValidateNested({ each: true })
  @ArrayMaxSize(ITEMS)
  @IsArray()
  readonly crisisContacts?: CrisisContactDto[];

  @ApiPropertyOptional({ example: ['My kids', 'Going back to school'] })
  @ValidateIf(given)
  @MaxLength(TEXT, { each: true })
  @MinLength(1, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(ITEMS)
  @IsArray()
  readonly reasonsForRecovery?: string[];

  /** The day this version was gone over with the client (by the caller); not in the future */
  @ApiPropertyOptional({ format: 'date', example: '2026-11-30' })
  @IsOptional()
  @IsISO8601({ strict: true }, REVIEW_DATE_MESSAGE)
  @Matches(DATE, REVIEW_DATE_MESSAGE)
  readonly reviewedWithClientOn?: string;
}

export class PlanVersionParam {
  @IsUUID()
  readonly id: string;

  @ApiProperty({ minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  readonly n: number;
}
