import { ApiProperty } from '@nestjs/swagger';

import { Role } from '../../../auth/permissions';

export class UserResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  email: string;

  @ApiProperty()
  firstName: string;

  @ApiProperty()
  lastName: string;

  @ApiProperty({ enum: Role })
  role: Role;

  @ApiProperty()
  active: boolean;

  @ApiProperty({ type: [String], format: 'uuid' })
  teamIds: string[];

  @ApiProperty()
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class UserPageResponse {
  @ApiProperty({ type: [UserResponse] })
  items: UserResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
