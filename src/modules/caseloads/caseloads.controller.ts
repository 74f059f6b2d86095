import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { ApiJsonOrCsvResponse, WantsCsv } from '../../common/csv/csv.openapi';
import { PageQuery } from '../../common/dto/page.query';
import { CASELOAD_CSV_COLUMNS } from './caseload.csv';
import { CaseloadsService } from './caseloads.service';
import {
  CaseloadDetailResponse,
  CaseloadPageResponse,
  SpecialistIdParam,
} from './dto/caseload.response';

@ApiTags('caseloads')
@Controller('api/v1/caseloads')
export class CaseloadsController {
  constructor(private readonly caseloads: CaseloadsService) {}

  @Get()
  @RequirePermission(Permission.CaseloadRead)
  @ApiOperation({
    summary: 'Caseload summary per specialist (supervisor: their teams; admin: all)',
  })
  @ApiJsonOrCsvResponse(CaseloadPageResponse, CASELOAD_CSV_COLUMNS, 'A page of the summary')
  list(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: PageQuery,
    @WantsCsv() csv: boolean,
  ): Promise<CaseloadPageResponse | StreamableFile> {
    return csv ? this.caseloads.export(actor) : this.caseloads.list(actor, query);
  }

  @Get(':specialistId')
  @RequirePermission(Permission.CaseloadRead)
  @ApiOperation({ summary: 'One specialist’s caseload: clients, last contact, next follow-up' })
  @ApiOkResponse({ type: CaseloadDetailResponse })
  get(
    @CurrentUser() actor: UserPrincipal,
    @Param() { specialistId }: SpecialistIdParam,
  ): Promise<CaseloadDetailResponse> {
    return this.caseloads.get(actor, specialistId);
  }
}
