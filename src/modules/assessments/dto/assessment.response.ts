import { ApiProperty, PickType } from '@nestjs/swagger';

import { INSTRUMENTS, Instrument } from './assessment.dto';

export class AssessmentResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ enum: INSTRUMENTS })
  instrument: Instrument;

  @ApiProperty({ type: [Number] })
  answers: number[];

  @ApiProperty({ minimum: 10, maximum: 60 })
  total: number;

  @ApiProperty({ description: 'total >= 47 (Vilsaint et al., 2017)' })
  atOrAboveRemissionThreshold: boolean;

  @ApiProperty({ format: 'date-time' })
  administeredAt: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  administeredById: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class AssessmentPageResponse {
  @ApiProperty({ type: [AssessmentResponse] })
  items: AssessmentResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class TrendPointResponse extends PickType(AssessmentResponse, [
  'administeredAt',
  'total',
  'atOrAboveRemissionThreshold',
] as const) {
  @ApiProperty({ format: 'uuid' })
  assessmentId: string;

  @ApiProperty({ type: Number, nullable: true, description: 'null for the first assessment' })
  changeFromPrevious: number | null;

  @ApiProperty()
  changeFromFirst: number;
}

export class AssessmentTrendResponse {
  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ enum: INSTRUMENTS })
  instrument: Instrument;

  @ApiProperty({ example: 47 })
  remissionThreshold: number;

  @ApiProperty({ type: [TrendPointResponse], description: 'Oldest first' })
  points: TrendPointResponse[];
}
