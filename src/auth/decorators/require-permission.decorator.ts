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

export const CSV_PERMISSION = 'auth:csv-permission';

/**
 * The permission a route's CSV export (`Accept: text/csv`) needs on top of the route's own; the
 * PermissionGuard enforces it (and audits a denial) like the route's.
 */
export function RequireCsvPermission(permission: Permission): MethodDecorator {
  return applyDecorators(
    SetMetadata(CSV_PERMISSION, permission),
    ApiForbiddenResponse({
      description: `Needs ${permission} for the CSV export`,
      type: ProblemResponse,
    }),
  );
}
