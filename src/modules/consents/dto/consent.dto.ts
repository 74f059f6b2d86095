import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';

export const CONSENT_PURPOSES = ['treatment', 'payment', 'operations', 'research'] as const;
/** Session-note narratives are disclosed only when `session-notes` is listed explicitly. */
export const CONSENT_CATEGORIES = [
  'demographics',
  'plans-goals',
  'follow-ups',
  'assessments',
  'session-notes',
] as const;
export const SIGNATURE_METHODS = ['written', 'electronic'] as const;
export const CONSENT_STATUSES = ['pending', 'active', 'expired', 'revoked'] as const;

export class CreateConsentDto {
  /** The API client (one external organization) that may receive */
  @IsUUID()
  readonly recipientId: string;

  @IsIn(CONSENT_PURPOSES, { each: true })
  @ArrayUnique()
  @ArrayMaxSize(CONSENT_PURPOSES.length)
  @ArrayMinSize(1)
  @IsArray()
  readonly purposes: (typeof CONSENT_PURPOSES)[number][];

  @IsIn(CONSENT_CATEGORIES, { each: true })
  @ArrayUnique()
  @ArrayMaxSize(CONSENT_CATEGORIES.length)
  @ArrayMinSize(1)
  @IsArray()
  readonly categories: (typeof CONSENT_CATEGORIES)[number][];

  @ApiPropertyOptional({ format: 'date-time', description: 'Defaults to now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly effectiveAt?: string;

  @ApiProperty({ format: 'date-time', description: 'After effectiveAt, in the future' })
  @IsISO8601({ strict: true })
  readonly expiresAt: string;

  @ApiProperty({ format: 'date-time', description: 'When the client signed; not in the future' })
  @IsISO8601({ strict: true })
  readonly signedAt: string;

  @IsIn(SIGNATURE_METHODS)
  readonly signatureMethod: (typeof SIGNATURE_METHODS)[number];
}

export class RevokeConsentDto {
  @ApiPropertyOptional({
    description: 'Why the consent is revoked (stored with the consent and shown in it)',
    example: 'Client withdrew consent by phone',
  })
  @IsOptional()
  @MinLength(1)
  @MaxLength(1000)
  @IsString()
  readonly reason?: string;
}

export class ConsentParam {
  @IsUUID()
  readonly id: string;

  @IsUUID()
  readonly consentId: string;
}

export class ConsentResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ format: 'uuid' })
  recipientId: string;

  @ApiProperty({ enum: CONSENT_PURPOSES, isArray: true })
  purposes: string[];

  @ApiProperty({ enum: CONSENT_CATEGORIES, isArray: true })
  categories: string[];

  @ApiProperty({ format: 'date-time' })
  effectiveAt: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ format: 'date-time' })
  signedAt: string;

  @ApiProperty({ enum: SIGNATURE_METHODS })
  signatureMethod: string;

  @ApiProperty({ format: 'date-time' })
  revokedAt: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'The reason given when revoked' })
  revocationReason: string | null;

  @ApiProperty({
    enum: CONSENT_STATUSES,
    description: 'Now: pending (not yet effective), active, expired or revoked',
  })
  status: (typeof CONSENT_STATUSES)[number];

  @ApiProperty({ format: 'uuid' })
  createdById: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  /** Also the ETag; send it in If-Match on revoke to revoke only what you read */
  version: number;
}

export class ConsentPageResponse {
  items: ConsentResponse[];

  nextCursor: string | null;
}
