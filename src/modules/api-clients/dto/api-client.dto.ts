import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';

import { API_SCOPES } from '../../../auth/permissions';
import { API_CLIENT_PURPOSES, ApiClientPurpose } from '../api-client.entity';

export class CreateApiClientDto {
  @ApiProperty({ example: 'County General EHR' })
  @MinLength(1)
  @MaxLength(200)
  @IsString()
  readonly name: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(API_SCOPES, { each: true })
  readonly scopes: string[];

  @ApiPropertyOptional({
    enum: API_CLIENT_PURPOSES,
    default: 'treatment',
    description: 'The purpose of use of its disclosures; a consent must cover it',
  })
  @IsOptional()
  @IsIn(API_CLIENT_PURPOSES)
  readonly purpose?: ApiClientPurpose;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: {
      keys: [{ kty: 'EC', crv: 'P-384', kid: 'ehr-2026-01', x: '...', y: '...', alg: 'ES384' }],
    },
    description:
      'Public JWK Set for private_key_jwt (RS384 or P-384 ES384 keys, each with a kid; private members refused). Registers the client without a secret. Not with jwksUrl.',
  })
  @IsOptional()
  @IsObject()
  readonly jwks?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: 'https://ehr.example.org/.well-known/jwks.json',
    description:
      'Where the client publishes its public JWK Set (https; fetched with a timeout, size cap and cache, never from a private address). Registers the client without a secret. Not with jwks.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  readonly jwksUrl?: string;
}

export class UpdateApiClientDto {
  @ApiPropertyOptional({
    description:
      'false deactivates: tokens already issued get 401 within seconds, and stay void if the client is reactivated',
  })
  @IsOptional()
  @IsBoolean()
  readonly active?: boolean;

  @ApiPropertyOptional({
    enum: API_SCOPES,
    isArray: true,
    description:
      'The new grant: tokens already issued that claim a scope no longer in it get 401 within seconds',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(API_SCOPES, { each: true })
  readonly scopes?: string[];
}

export class ApiClientResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  name: string;

  /** The OAuth2 client_id */
  clientId: string;

  scopes: string[];

  @ApiProperty({ enum: API_CLIENT_PURPOSES })
  purpose: string;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  jwks: object | null;

  @ApiProperty({ type: 'string', nullable: true })
  jwksUrl: string | null;

  active: boolean;

  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class CreatedApiClientResponse extends ApiClientResponse {
  /** Shown once; only its hash is stored. Absent when the client registered keys only. */
  clientSecret?: string;
}

export class ApiClientListResponse {
  items: ApiClientResponse[];

  nextCursor: string | null;
}
