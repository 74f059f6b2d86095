import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import {
  RequireCsvPermission,
  RequirePermission,
} from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { ApiJsonOrCsvResponse, WantsCsv } from '../../common/csv/csv.openapi';
import { AUDIT_EVENT_CSV_COLUMNS } from './audit-event.csv';
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
  @RequireCsvPermission(Permission.AuditExport)
  @ApiOperation({
    summary:
      'Audit events (supervisor: their teams; admin: the organization); CSV export: admins only',
  })
  @ApiJsonOrCsvResponse(AuditEventPageResponse, AUDIT_EVENT_CSV_COLUMNS, 'A page of events')
  list(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: AuditQuery,
    @WantsCsv() csv: boolean,
  ): Promise<AuditEventPageResponse | StreamableFile> {
    return csv ? this.auditQuery.export(actor, query) : this.auditQuery.list(actor, query);
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
