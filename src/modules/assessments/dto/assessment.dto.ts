import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  Max,
  Min,
} from 'class-validator';

import { BARC10_ITEMS, BARC10_MAX_ANSWER, BARC10_MIN_ANSWER } from '../barc10';

export const INSTRUMENTS = ['BARC-10'] as const;
export type Instrument = (typeof INSTRUMENTS)[number];

const COUNT = { message: `answers must contain exactly ${BARC10_ITEMS} items` };
const EACH = {
  each: true,
  message: `each answer must be an integer from ${BARC10_MIN_ANSWER} to ${BARC10_MAX_ANSWER}`,
};

export class CreateAssessmentDto {
  @IsIn(INSTRUMENTS)
  readonly instrument: Instrument;

  @ApiProperty({
    minItems: BARC10_ITEMS,
    maxItems: BARC10_ITEMS,
    example: [4, 5, 4, 3, 5, 4, 4, 5, 3, 4],
    description:
      'Items 1..10 in order, each 1 (strongly disagree) to 6 (strongly agree); all required',
  })
  @Max(BARC10_MAX_ANSWER, EACH)
  @Min(BARC10_MIN_ANSWER, EACH)
  @IsInt(EACH)
  @ArrayMaxSize(BARC10_ITEMS, COUNT)
  @ArrayMinSize(BARC10_ITEMS, COUNT)
  @IsArray({ message: 'answers must be an array' })
  readonly answers: number[];

  @ApiPropertyOptional({
    example: '2026-11-30T15:00:00Z',
    format: 'date-time',
    description: 'When it was administered; defaults to now',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'administeredAt must be an ISO-8601 instant' })
  readonly administeredAt?: string;
}
