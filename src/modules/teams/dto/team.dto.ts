import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';

export class CreateTeamDto {
  @ApiProperty({ example: 'North' })
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  readonly name: string;

  @ApiPropertyOptional({ example: ['8f14e45f-ceea-467f-a0e2-3c8d1b2a9e01'], format: 'uuid' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  readonly supervisorIds?: string[];

  @ApiPropertyOptional({ example: ['c9f0f895-fb98-4b91-8c5e-2f4a7d3e6b02'], format: 'uuid' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  readonly memberIds?: string[];
}

export class UpdateTeamDto extends PartialType(CreateTeamDto) {
  @ApiPropertyOptional({
    description:
      'false deactivates the team (only once it has no supervisors or members); true reactivates it',
  })
  @IsOptional()
  @IsBoolean()
  readonly active?: boolean;
}

export class TeamResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  name: string;

  @ApiProperty({ format: 'uuid' })
  supervisorIds: string[];

  @ApiProperty({ format: 'uuid' })
  memberIds: string[];

  active: boolean;

  version: number;
}

export class TeamListResponse {
  items: TeamResponse[];

  nextCursor: string | null;
}
