import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsEnum,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';

import { Role } from '../../../auth/permissions';

export class CreateUserDto {
  @ApiProperty({ example: 'peer9@demo.test' })
  @IsEmail()
  @MaxLength(254)
  readonly email: string;

  @ApiProperty({ example: 'Correct-Horse-Battery-2026!' })
  @MinLength(12)
  @MaxLength(256)
  @IsString()
  readonly password: string;

  @ApiProperty({ example: 'Jordan' })
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  readonly firstName: string;

  @ApiProperty({ example: 'Rivera' })
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  readonly lastName: string;

  @ApiProperty({ enum: Role })
  @IsEnum(Role)
  readonly role: Role;

  @ApiProperty({
    format: 'uuid',
    description: 'Teams joined (supervisors: teams supervised; an admin is on none)',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  readonly teamIds: string[] = [];
}
