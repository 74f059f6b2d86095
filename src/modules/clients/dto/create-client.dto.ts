import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';

import { CLIENT_STATUSES, CONTACT_METHODS, ClientStatus, ContactMethod } from '../client.entity';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = (field: string) => ({ message: `${field} must be a date (YYYY-MM-DD)` });

export class ClientIdentifierDto {
  @ApiProperty({
    example: 'urn:oid:2.16.840.1.113883.3.4.5.6',
    description: 'Identifier system (EHR MRN, Medicaid id...)',
  })
  @MinLength(1)
  @MaxLength(200)
  @IsString()
  readonly system: string;

  @ApiProperty({ example: 'MRN-000123' })
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  readonly value: string;
}

/** Fields a peer or supervisor may set on a client, at creation or later (PATCH). */
export class ClientFieldsDto {
  @ApiProperty({ example: 'Alex' })
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  readonly firstName: string;

  @ApiProperty({ example: 'Example' })
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  readonly lastName: string;

  @ApiPropertyOptional({ example: 'Lex' })
  @IsOptional()
  @MaxLength(100)
  @IsString()
  readonly preferredName?: string | null;

  @ApiProperty({ format: 'date', example: '1990-04-12' })
  @Matches(DATE, DATE_MESSAGE('dateOfBirth'))
  @IsISO8601({ strict: true }, DATE_MESSAGE('dateOfBirth'))
  readonly dateOfBirth: string;

  @ApiPropertyOptional({ example: 'they/them' })
  @IsOptional()
  @MaxLength(50)
  @IsString()
  readonly pronouns?: string | null;

  @ApiPropertyOptional({ example: 'jordan.rivera@example.test' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  readonly email?: string | null;

  @ApiPropertyOptional({ example: '+1-555-0100' })
  @IsOptional()
  @MaxLength(40)
  @IsString()
  readonly phone?: string | null;

  @IsOptional()
  @IsIn(CONTACT_METHODS)
  readonly preferredContactMethod?: ContactMethod | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ClientIdentifierDto)
  readonly identifiers?: ClientIdentifierDto[];

  @ApiPropertyOptional({ example: '2026-10-01', format: 'date' })
  @IsOptional()
  @Matches(DATE, DATE_MESSAGE('recoveryStartDate'))
  @IsISO8601({ strict: true }, DATE_MESSAGE('recoveryStartDate'))
  readonly recoveryStartDate?: string | null;

  @ApiPropertyOptional({ enum: CLIENT_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(CLIENT_STATUSES)
  readonly status?: ClientStatus;

  @ApiPropertyOptional({
    example: '2026-11-02',
    format: 'date',
    description: '42 CFR Part 2 notice acknowledged on',
  })
  @IsOptional()
  @Matches(DATE, DATE_MESSAGE('part2NoticeAcknowledgedOn'))
  @IsISO8601({ strict: true }, DATE_MESSAGE('part2NoticeAcknowledgedOn'))
  readonly part2NoticeAcknowledgedOn?: string | null;
}

export class CreateClientDto extends ClientFieldsDto {
  /** Supervisors only: the primary specialist */
  @ApiPropertyOptional({ example: '8f14e45f-ceea-467f-a0e2-3c8d1b2a9e01' })
  @IsOptional()
  @IsUUID()
  readonly primarySpecialistId?: string;

  /** Supervisors only: create despite a name and date-of-birth match */
  @IsOptional()
  @IsBoolean()
  readonly allowDuplicate?: boolean;

  /** Supervisors only: assign beyond the specialist’s caseload cap */
  @IsOptional()
  @IsBoolean()
  readonly overrideCaseloadCap?: boolean;
}
