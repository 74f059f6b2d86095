import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

import { CREDENTIALS, Credential } from '../specialist-certification.entity';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateMessage = (field: string) => ({ message: `${field} must be a date (YYYY-MM-DD)` });

export class CreateCertificationDto {
  @ApiProperty({ enum: CREDENTIALS, example: 'CPRS' })
  @IsIn(CREDENTIALS)
  readonly credential: Credential;

  @ApiProperty({ example: 'CPRS-12345' })
  @MinLength(1)
  @MaxLength(50)
  @IsString()
  readonly number: string;

  @ApiProperty({ example: 'PA', description: 'Two-letter state or territory code' })
  @Matches(/^[A-Z]{2}$/, { message: 'issuingState must be a two-letter code' })
  readonly issuingState: string;

  @ApiProperty({ example: '2025-06-01', format: 'date' })
  @Matches(DATE, dateMessage('issuedOn'))
  @IsISO8601({ strict: true }, dateMessage('issuedOn'))
  readonly issuedOn: string;

  @ApiProperty({ example: '2027-06-01', format: 'date' })
  @Matches(DATE, dateMessage('expiresOn'))
  @IsISO8601({ strict: true }, dateMessage('expiresOn'))
  readonly expiresOn: string;
}

export class UpdateCertificationDto extends PartialType(CreateCertificationDto) {}

export class CertificationParams {
  @IsUUID()
  readonly id: string;

  @IsUUID()
  readonly certificationId: string;
}

export class CertificationResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: CREDENTIALS })
  credential: Credential;

  number: string;

  issuingState: string;

  @ApiProperty({ format: 'date' })
  issuedOn: string;

  @ApiProperty({ format: 'date' })
  expiresOn: string;

  version: number;
}
