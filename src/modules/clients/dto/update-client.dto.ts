import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

import { CLIENT_STATUSES, ClientStatus } from '../client.entity';
import { ClientFieldsDto } from './create-client.dto';

// Present-but-null must fail for columns that can never be empty; absent means "unchanged".
const IfPresent = () => ValidateIf((_, value) => value !== undefined);

/**
 * Every field optional; `primarySpecialistId` and `organizationId` are absent on purpose, so the
 * validation pipe rejects them (assignments have their own endpoint). `identifiers`, when given,
 * replace the client's set.
 */
export class UpdateClientDto extends PartialType(
  OmitType(ClientFieldsDto, ['firstName', 'lastName', 'dateOfBirth', 'status'] as const),
) {
  @ApiPropertyOptional({ example: 'Jordan' })
  @IfPresent()
  @MinLength(1)
  @MaxLength(100)
  @IsString() // nearest the property: checked first, so null reads "must be a string"
  readonly firstName?: string;

  @ApiPropertyOptional({ example: 'Rivera' })
  @IfPresent()
  @MinLength(1)
  @MaxLength(100)
  @IsString() // nearest the property: checked first, so null reads "must be a string"
  readonly lastName?: string;

  @ApiPropertyOptional({ example: '1990-04-12', format: 'date' })
  @IfPresent()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dateOfBirth must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'dateOfBirth must be a date (YYYY-MM-DD)' })
  readonly dateOfBirth?: string;

  @IfPresent()
  @IsIn(CLIENT_STATUSES)
  readonly status?: ClientStatus;

  /** Supervisors only: reopen a closed client beyond the specialist’s caseload cap */
  @IsOptional()
  @IsBoolean()
  readonly overrideCaseloadCap?: boolean;
}
