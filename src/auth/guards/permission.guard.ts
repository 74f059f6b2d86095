import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

import { wantsCsv } from '../../common/csv/csv';
import { ForbiddenError } from '../../common/errors/domain-error';
import { AuditService } from '../../modules/audit/audit.service';
import { IS_PUBLIC } from '../decorators/public.decorator';
import { CSV_PERMISSION, REQUIRED_PERMISSION } from '../decorators/require-permission.decorator';
import { Permission, roleHas, scopesHave } from '../permissions';
import { Principal } from '../principal';

/**
 * Global and deny by default: a route that is neither @Public() nor declares a permission is
 * refused, and so is a caller whose role (or scopes) lack it. Denials are audited.
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const routePermission = this.reflector.getAllAndOverride<Permission>(
      REQUIRED_PERMISSION,
      targets,
    );
    const request = context.switchToHttp().getRequest<FastifyRequest & { user: Principal }>();
    const principal = request.user;
    // A CSV export may need more than the JSON read of the same route (the audit search: admins).
    const csvPermission = this.reflector.get<Permission | undefined>(
      CSV_PERMISSION,
      context.getHandler(),
    );
    const permission =
      routePermission &&
      allows(principal, routePermission) &&
      csvPermission &&
      wantsCsv(request.headers.accept)
        ? csvPermission
        : routePermission;
    if (permission && allows(principal, permission)) return true;
    await this.audit.recordNow(principal, {
      action: permission ?? 'route.undeclared',
      outcome: 'denied',
      resourceType: 'route',
      resourceId: `${request.method} ${request.routeOptions.url ?? ''}`,
    });
    throw new ForbiddenError();
  }
}

export function allows(principal: Principal, permission: Permission): boolean {
  return principal.kind === 'user'
    ? roleHas(principal.role, permission)
    : scopesHave(principal.scopes, permission);
}
