import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';

import { Role } from '../../../auth/permissions';

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  readonly firstName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  readonly lastName?: string;

  @ApiPropertyOptional({
    enum: Role,
    description:
      'A change ends the user’s sessions (their tokens stop working within seconds) and replaces their teams with teamIds, which must then be sent too',
  })
  @IsOptional()
  @IsEnum(Role)
  readonly role?: Role;

  @ApiPropertyOptional({ description: 'false deactivates: sessions end and tokens stop working' })
  @IsOptional()
  @IsBoolean()
  readonly active?: boolean;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description:
      'Replaces the user’s teams: supervised teams for a supervisor, member teams for a peer specialist (at least one when the role changes to peer_specialist); an admin is on none',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  readonly teamIds?: string[];
}
