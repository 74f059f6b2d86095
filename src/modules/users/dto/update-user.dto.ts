import { ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsOptional, IsUUID } from 'class-validator';

import { Role } from '../../../auth/permissions';
import { CreateUserDto } from './create-user.dto';

/** The name as on creation; role, teams and activity with what a change does to sessions. */
export class UpdateUserDto extends PartialType(
  PickType(CreateUserDto, ['firstName', 'lastName'] as const),
) {
  @ApiPropertyOptional({
    enum: Role,
    description:
      'A change ends the user’s sessions (their tokens stop working within seconds) and rewrites their team memberships in the same transaction: to teamIds when sent, otherwise their current teams carry over (a supervisor’s supervised teams become member teams, a peer specialist’s member teams become supervised ones); a change to admin leaves every team',
  })
  @IsOptional()
  @IsEnum(Role)
  readonly role?: Role;

  @ApiPropertyOptional({ description: 'false deactivates: sessions end and tokens stop working' })
  @IsOptional()
  @IsBoolean()
  readonly active?: boolean;

  @ApiPropertyOptional({
    example: ['8f14e45f-ceea-467f-a0e2-3c8d1b2a9e01'],
    type: [String],
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
