import { ApiProperty } from '@nestjs/swagger';
import {
  IsIn,
  IsISO8601,
  IsNumber,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const CE_CATEGORIES = ['ethics', 'general'] as const;
export type CeCategory = (typeof CE_CATEGORIES)[number];

export class CreateCeHoursDto {
  @ApiProperty({ example: 3 })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0.25)
  @Max(100)
  readonly hours: number;

  @IsIn(CE_CATEGORIES)
  readonly category: CeCategory;

  @ApiProperty({ example: '2026-10-15', format: 'date' })
  @Matches(DATE, { message: 'completedOn must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'completedOn must be a date (YYYY-MM-DD)' })
  readonly completedOn: string;

  @ApiProperty({ example: 'Ethics in peer support' })
  @MinLength(1)
  @MaxLength(200)
  @IsString()
  readonly title: string;
}

export class CeHoursResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  hours: number;

  @ApiProperty({ enum: CE_CATEGORIES })
  category: CeCategory;

  @ApiProperty({ format: 'date' })
  completedOn: string;

  title: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class CreateSupervisionHoursDto {
  @ApiProperty({ example: 1 })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0.25)
  @Max(24)
  readonly hours: number;

  @ApiProperty({ example: '2026-11-20', format: 'date' })
  @Matches(DATE, { message: 'occurredOn must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'occurredOn must be a date (YYYY-MM-DD)' })
  readonly occurredOn: string;
}

export class SupervisionHoursResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  hours: number;

  @ApiProperty({ format: 'date' })
  occurredOn: string;

  @ApiProperty({ format: 'uuid' })
  supervisorId: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}
