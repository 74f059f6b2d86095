import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';

import { API_SCOPES } from '../../../auth/permissions';

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

  active: boolean;

  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class CreatedApiClientResponse extends ApiClientResponse {
  /** Shown once; only its hash is stored */
  clientSecret: string;
}

export class ApiClientListResponse {
  items: ApiClientResponse[];

  nextCursor: string | null;
}
