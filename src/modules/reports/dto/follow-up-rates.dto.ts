import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, Matches } from 'class-validator';

import { LEVELS_OF_CARE, LevelOfCare } from '../../discharges/cadence';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class FollowUpRatesQuery {
  @ApiProperty({ format: 'date', description: 'First discharge date included (UTC)' })
  @IsISO8601({ strict: true }, { message: 'from must be a date (YYYY-MM-DD)' })
  @Matches(DATE, { message: 'from must be a date (YYYY-MM-DD)' })
  readonly from: string;

  @ApiProperty({ format: 'date', description: 'Last discharge date included (UTC)' })
  @IsISO8601({ strict: true }, { message: 'to must be a date (YYYY-MM-DD)' })
  @Matches(DATE, { message: 'to must be a date (YYYY-MM-DD)' })
  readonly to: string;
}

export class FollowUpRateItem {
  @ApiProperty({ enum: LEVELS_OF_CARE })
  levelOfCare: LevelOfCare;

  discharges: number;

  /** Discharges with a completed contact within 7 days */
  within7Days: number;

  /** Discharges with a completed contact within 30 days */
  within30Days: number;

  /** within7Days / discharges; null without discharges */
  rate7: number | null;

  rate30: number | null;
}

export class FollowUpRatesResponse {
  @ApiProperty({ format: 'date' })
  from: string;

  @ApiProperty({ format: 'date' })
  to: string;

  @ApiProperty({
    enum: ['operational'],
    description: 'Operational figures, not certified HEDIS rates',
  })
  basis: 'operational';

  items: FollowUpRateItem[];
}
