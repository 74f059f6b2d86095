import { ApiProperty } from '@nestjs/swagger';

import { Role } from '../../../auth/permissions';

export class UserResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  email: string;

  firstName: string;

  lastName: string;

  @ApiProperty({ enum: Role })
  role: Role;

  active: boolean;

  @ApiProperty({ format: 'uuid' })
  teamIds: string[];

  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class UserPageResponse {
  items: UserResponse[];

  nextCursor: string | null;
}
