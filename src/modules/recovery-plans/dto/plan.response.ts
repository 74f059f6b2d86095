import { ApiProperty } from '@nestjs/swagger';

import { PLAN_STATUSES, PlanStatus } from '../plan-status';
import { AgreementMethod } from '../recovery-plan.entity';
import { AGREEMENT_METHODS } from './plan.dto';

export class ClientAgreementResponse {
  @ApiProperty({ format: 'date' })
  agreedOn: string;

  @ApiProperty({ enum: AGREEMENT_METHODS })
  method: AgreementMethod;
}

export class PlanResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ enum: PLAN_STATUSES })
  status: PlanStatus;

  @ApiProperty({ format: 'date' })
  startDate: string;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  endDate: string | null;

  @ApiProperty({ format: 'date', description: 'Review due date (YYYY-MM-DD)' })
  reviewDueAt: string;

  @ApiProperty({ type: [String] })
  strengths: string[];

  @ApiProperty({ type: [String] })
  barriers: string[];

  @ApiProperty({ type: ClientAgreementResponse, nullable: true })
  clientAgreement: ClientAgreementResponse | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdById: string | null;

  @ApiProperty()
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class PlanPageResponse {
  @ApiProperty({ type: [PlanResponse] })
  items: PlanResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
