import { UserResponse } from './dto/user.response';
import { User } from './user.entity';

export function toUserResponse(user: User, teamIds: string[]): UserResponse {
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    role: user.role,
    active: user.active,
    teamIds,
    version: user.version,
    createdAt: user.createdAt.toISOString(),
  };
}
