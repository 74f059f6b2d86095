import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

import { LEVELS_OF_CARE, LevelOfCare } from '../cadence';

const MAX_HOURS = 400 * 24;

export class LevelOfCareParam {
  @IsIn(LEVELS_OF_CARE)
  readonly levelOfCare: LevelOfCare;
}

export class CadenceStepDto {
  @ApiProperty({ example: 'day-7', description: 'Unique within the cadence' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,39}$/, {
    message: 'label must be 1 to 40 lowercase letters, digits and dashes',
  })
  readonly label: string;

  @IsIn(['contact', 'assessment'])
  readonly kind: 'contact' | 'assessment';

  /** Hours after the discharge the task is due */
  @ApiProperty({ example: 168 })
  @IsInt()
  @Min(0)
  @Max(MAX_HOURS)
  readonly dueHours: number;

  /** Hours after the discharge the window opens */
  @ApiProperty({ example: 96 })
  @IsInt()
  @Min(0)
  @Max(MAX_HOURS)
  readonly windowStartHours: number;

  /** Hours after the discharge the window closes (then escalation) */
  @ApiProperty({ example: 168 })
  @IsInt()
  @Min(0)
  @Max(MAX_HOURS)
  readonly windowEndHours: number;
}

export class UpdateCadenceDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => CadenceStepDto)
  readonly steps: CadenceStepDto[];
}

export class CadenceResponse {
  @ApiProperty({ enum: LEVELS_OF_CARE })
  levelOfCare: LevelOfCare;

  /** false: the built-in default (SPEC 7) applies */
  customized: boolean;

  steps: CadenceStepDto[];

  /** 0 for the built-in default */
  version: number;
}
