import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { AuditQueryService } from './audit-query.service';
import {
  AuditEventPageResponse,
  AuditQuery,
  AuditVerifyQuery,
  AuditVerifyResponse,
} from './dto/audit.dto';

@ApiTags('audit')
@Controller('api/v1/audit-events')
export class AuditController {
  constructor(private readonly auditQuery: AuditQueryService) {}

  @Get()
  @RequirePermission(Permission.AuditRead)
  @ApiOperation({ summary: 'Audit events (supervisor: their teams; admin: the organization)' })
  @ApiOkResponse({ type: AuditEventPageResponse })
  list(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: AuditQuery,
  ): Promise<AuditEventPageResponse> {
    return this.auditQuery.list(actor, query);
  }

  @Get('verify')
  @RequirePermission(Permission.AuditVerify)
  @ApiOperation({ summary: 'Verify the hash chain; reports the first broken link (admin)' })
  @ApiOkResponse({ type: AuditVerifyResponse })
  verify(
    @CurrentUser() actor: UserPrincipal,
    @Query() anchor: AuditVerifyQuery,
  ): Promise<AuditVerifyResponse> {
    return this.auditQuery.verify(actor.organizationId, anchor);
  }
}
