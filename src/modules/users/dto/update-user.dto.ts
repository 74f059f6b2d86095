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
  @IsOptional()
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  readonly firstName?: string;

  @IsOptional()
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  readonly lastName?: string;

  @ApiPropertyOptional({
    enum: Role,
    description:
      'A change ends the user’s sessions (their tokens stop working within seconds) and rewrites their team memberships in the same transaction: to teamIds when sent, otherwise their current teams carry over (a supervisor’s supervised teams become member teams, a peer specialist’s member teams become supervised ones); a change to admin leaves every team',
  })
  @IsOptional()
  @IsEnum(Role)
  readonly role?: Role;

  /** false deactivates: sessions end and tokens stop working */
  @IsOptional()
  @IsBoolean()
  readonly active?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Replaces the user’s teams: supervised teams for a supervisor, member teams for a peer specialist (at least one after a change to peer_specialist); an admin is on none',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  readonly teamIds?: string[];
}
