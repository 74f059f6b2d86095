import { ApiProperty } from '@nestjs/swagger';

import { INSTRUMENTS, Instrument } from './assessment.dto';

export class AssessmentResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ enum: INSTRUMENTS })
  instrument: Instrument;

  answers: number[];

  @ApiProperty({ minimum: 10, maximum: 60 })
  total: number;

  @ApiProperty({ description: 'total >= 47 (Vilsaint et al., 2017)' })
  atOrAboveRemissionThreshold: boolean;

  @ApiProperty({ format: 'date-time' })
  administeredAt: string;

  @ApiProperty({ format: 'uuid' })
  administeredById: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class AssessmentPageResponse {
  items: AssessmentResponse[];

  nextCursor: string | null;
}

export class TrendPointResponse {
  @ApiProperty({ format: 'uuid' })
  assessmentId: string;

  @ApiProperty({ format: 'date-time' })
  administeredAt: string;

  total: number;

  atOrAboveRemissionThreshold: boolean;

  /** null for the first assessment */
  changeFromPrevious: number | null;

  changeFromFirst: number;
}

export class AssessmentTrendResponse {
  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ enum: INSTRUMENTS })
  instrument: Instrument;

  @ApiProperty({ example: 47 })
  remissionThreshold: number;

  /** Oldest first */
  points: TrendPointResponse[];
}
