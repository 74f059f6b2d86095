import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { ApiJsonOrCsvResponse, WantsCsv } from '../../common/csv/csv.openapi';
import { FollowUpRatesQuery, FollowUpRatesResponse } from './dto/follow-up-rates.dto';
import { FOLLOW_UP_RATES_CSV_COLUMNS } from './follow-up-rates.csv';
import { FollowUpRatesService } from './follow-up-rates.service';

@ApiTags('reports')
@Controller('api/v1/reports')
export class ReportsController {
  constructor(private readonly rates: FollowUpRatesService) {}

  @Get('follow-up-rates')
  @RequirePermission(Permission.FollowUpRateRead)
  @ApiOperation({
    summary: '7- and 30-day follow-up rates per level of care (operational, not certified HEDIS)',
  })
  @ApiJsonOrCsvResponse(FollowUpRatesResponse, FOLLOW_UP_RATES_CSV_COLUMNS, 'The report')
  followUpRates(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: FollowUpRatesQuery,
    @WantsCsv() csv: boolean,
  ): Promise<FollowUpRatesResponse | StreamableFile> {
    return csv ? this.rates.export(actor, query) : this.rates.rates(actor, query);
  }
}
