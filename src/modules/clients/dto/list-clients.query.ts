import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

import { PageQuery } from '../../../common/dto/page.query';
import { CLIENT_STATUSES, ClientStatus } from '../client.entity';

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ListClientsQuery extends PageQuery {
  /** Name fragment (first, last or preferred name) */
  @IsOptional()
  @MinLength(2)
  @MaxLength(100)
  @IsString()
  readonly q?: string;

  @ApiPropertyOptional({ description: '`system|value`', example: 'urn:mrn|MRN-1' })
  @IsOptional()
  @MaxLength(301)
  @Matches(/^[^|]+\|.+$/, { message: 'identifier must be system|value' })
  @IsString()
  readonly identifier?: string;

  @IsOptional()
  @IsIn(CLIENT_STATUSES)
  readonly status?: ClientStatus;

  @IsOptional()
  @IsUUID()
  readonly specialistId?: string;

  /** No contact in at least N days (or never) */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  readonly noContactDays?: number;

  /** false: the "needs assignment" queue */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  readonly assigned?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  readonly needsReassignment?: boolean;
}
