import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
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

import { PageQuery } from '../../../common/dto/page.query';
import { PLAN_STATUSES, PlanStatus } from '../plan-status';
import { AgreementMethod } from '../recovery-plan.entity';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateMessage = (field: string) => ({ message: `${field} must be a date (YYYY-MM-DD)` });
const MAX_ITEMS = 30;
const given = (_: unknown, value: unknown): boolean => value !== undefined;

export const AGREEMENT_METHODS: readonly AgreementMethod[] = ['verbal', 'signed', 'electronic'];
const CREATABLE_STATUSES: readonly PlanStatus[] = ['draft', 'active'];

export class ClientAgreementDto {
  @ApiProperty({
    format: 'date',
    example: '2026-11-20',
    description: 'When the client agreed to the plan',
  })
  @IsISO8601({ strict: true }, dateMessage('agreedOn'))
  @Matches(DATE, dateMessage('agreedOn'))
  readonly agreedOn: string;

  @IsIn(AGREEMENT_METHODS)
  readonly method: AgreementMethod;
}

/** Fields both creation and PATCH accept; PATCH makes each optional. */
class PlanFieldsDto {
  @ApiPropertyOptional({
    format: 'date',
    example: '2026-11-22',
    description: 'Period start; defaults to today',
  })
  @ValidateIf(given)
  @IsISO8601({ strict: true }, dateMessage('startDate'))
  @Matches(DATE, dateMessage('startDate'))
  readonly startDate?: string;

  @ApiPropertyOptional({
    example: '2027-06-01',
    format: 'date',
    description: 'Period end (optional)',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, dateMessage('endDate'))
  @Matches(DATE, dateMessage('endDate'))
  readonly endDate?: string | null;

  @ApiPropertyOptional({
    example: '2027-03-01',
    format: 'date',
    description: 'Review due date; defaults to start + 90 days',
  })
  @ValidateIf(given)
  @IsISO8601({ strict: true }, dateMessage('reviewDueAt'))
  @Matches(DATE, dateMessage('reviewDueAt'))
  readonly reviewDueAt?: string;

  @ApiPropertyOptional({ maxItems: MAX_ITEMS, example: ['Supportive sister nearby'] })
  @ValidateIf(given)
  @MaxLength(500, { each: true })
  @MinLength(1, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(MAX_ITEMS)
  @IsArray()
  readonly strengths?: string[];

  @ApiPropertyOptional({ maxItems: MAX_ITEMS, example: ['No reliable transport'] })
  @ValidateIf(given)
  @MaxLength(500, { each: true })
  @MinLength(1, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(MAX_ITEMS)
  @IsArray()
  readonly barriers?: string[];

  /** Needed before the plan can be active */
  @ValidateIf(given)
  @Type(() => ClientAgreementDto)
  @ValidateNested()
  readonly clientAgreement?: ClientAgreementDto;
}

export class CreatePlanDto extends PlanFieldsDto {
  @ApiProperty({ example: 'Steady ground after discharge' })
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  readonly title: string;

  @ApiPropertyOptional({ enum: CREATABLE_STATUSES, default: 'draft' })
  @ValidateIf(given)
  @IsIn(CREATABLE_STATUSES)
  readonly status?: PlanStatus;
}

export class UpdatePlanDto extends PlanFieldsDto {
  @ApiPropertyOptional({ example: 'Recovery plan, spring 2027' })
  @ValidateIf(given)
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  readonly title?: string;

  @ApiPropertyOptional({
    enum: PLAN_STATUSES,
    description: 'Only legal transitions (FHIR CarePlan)',
  })
  @ValidateIf(given)
  @IsIn(PLAN_STATUSES)
  readonly status?: PlanStatus;
}

export class ListPlansQuery extends PageQuery {
  @IsOptional()
  @IsIn(PLAN_STATUSES)
  readonly status?: PlanStatus;
}
