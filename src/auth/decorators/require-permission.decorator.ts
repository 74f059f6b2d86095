import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

import { ProblemResponse } from '../../common/dto/problem.response';
import { Permission } from '../permissions';

export const REQUIRED_PERMISSION = 'auth:permission';

/** The permission a route needs; the global PermissionGuard enforces it. */
export function RequirePermission(permission: Permission): MethodDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_PERMISSION, permission),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or invalid token', type: ProblemResponse }),
    ApiForbiddenResponse({ description: `Needs ${permission}`, type: ProblemResponse }),
  );
}
