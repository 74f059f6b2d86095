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

  title: string;

  @ApiProperty({ enum: PLAN_STATUSES })
  status: PlanStatus;

  @ApiProperty({ format: 'date' })
  startDate: string;

  @ApiProperty({ format: 'date' })
  endDate: string | null;

  @ApiProperty({ format: 'date', description: 'Review due date (YYYY-MM-DD)' })
  reviewDueAt: string;

  strengths: string[];

  barriers: string[];

  clientAgreement: ClientAgreementResponse | null;

  @ApiProperty({ format: 'uuid' })
  createdById: string | null;

  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class PlanPageResponse {
  items: PlanResponse[];

  nextCursor: string | null;
}
