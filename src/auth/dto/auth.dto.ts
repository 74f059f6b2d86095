import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

import { Role } from '../permissions';

export class LoginDto {
  @ApiProperty({ example: 'peer1@demo.test' })
  @IsEmail()
  @MaxLength(254)
  readonly email: string;

  @ApiProperty({ example: 'Recovery-Demo-2026!' })
  @MinLength(1)
  @MaxLength(256)
  @IsString()
  readonly password: string;
}

export class RefreshDto {
  @ApiProperty({ example: 'the refreshToken of the login response' })
  @MinLength(1)
  @MaxLength(200)
  @IsString()
  readonly refreshToken: string;
}

export class TokenResponse {
  accessToken: string;

  refreshToken: string;

  @ApiProperty({ description: 'Access token lifetime in seconds', example: 900 })
  expiresIn: number;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';
}

/**
 * The caller: a user (email, names, role, teams) or an API client (its name and the scopes of its
 * token; no teams).
 */
export class MeResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['user', 'api_client'] })
  kind: 'user' | 'api_client';

  /** The API client's name (kind api_client) */
  name?: string;

  @ApiProperty({ format: 'uuid' })
  organizationId: string;

  /** (kind user) */
  email?: string;

  /** (kind user) */
  firstName?: string;

  /** (kind user) */
  lastName?: string;

  @ApiPropertyOptional({ enum: Role, description: '(kind user)' })
  role?: Role;

  @ApiProperty({ format: 'uuid' })
  teamIds: string[];

  /** The scopes of the API client's token (kind api_client) */
  scopes?: string[];
}

/** RFC 6749 section 4.4 token request (form-encoded or JSON). */
export class OAuthTokenDto {
  @IsString()
  @IsIn(['client_credentials'], { message: 'grant_type must be client_credentials' })
  readonly grant_type: string;

  /** Space-separated subset of the client’s scopes */
  @ApiPropertyOptional({ example: 'system/Patient.read system/Task.read' })
  @IsOptional()
  @MaxLength(2000)
  @IsString()
  readonly scope?: string;

  /** client_secret_post */
  @ApiPropertyOptional({ example: 'rb_ehr_riverside' })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  readonly client_id?: string;

  /** client_secret_post */
  @ApiPropertyOptional({ example: 'the secret shown once when the API client was created' })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  readonly client_secret?: string;

  /** private_key_jwt: `urn:ietf:params:oauth:client-assertion-type:jwt-bearer` */
  @ApiPropertyOptional({ example: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  readonly client_assertion_type?: string;

  /** private_key_jwt: a JWT signed (RS384 or ES384) by a key of the client's registered JWK Set */
  @ApiPropertyOptional({ example: 'the signed assertion JWT (instead of client_secret)' })
  @IsOptional()
  @MaxLength(8000)
  @IsString()
  readonly client_assertion?: string;
}

export class OAuthTokenResponse {
  access_token: string;

  @ApiProperty({ example: 'Bearer' })
  token_type: 'Bearer';

  @ApiProperty({ example: 900 })
  expires_in: number;

  @ApiProperty({ example: 'system/Patient.read discharges:write' })
  scope: string;
}
