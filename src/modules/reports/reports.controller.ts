import { Controller, Get, Headers, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { ApiJsonOrCsvResponse, WantsCsv } from '../../common/csv/csv.openapi';
import { FollowUpRatesQuery, FollowUpRatesResponse } from './dto/follow-up-rates.dto';
import {
  EngagementReport,
  RecoveryCapitalReport,
  ReferralsReport,
  ReportPeriodQuery,
  RetentionReport,
} from './dto/outcome-reports.dto';
import { FOLLOW_UP_RATES_CSV_COLUMNS } from './follow-up-rates.csv';
import { FollowUpRatesService } from './follow-up-rates.service';
import { OUTCOME_CSV_COLUMNS, OutcomeReportsService } from './outcome-reports.service';

@ApiTags('reports')
@Controller('api/v1/reports')
export class ReportsController {
  constructor(
    private readonly rates: FollowUpRatesService,
    private readonly outcomes: OutcomeReportsService,
  ) {}

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

  @Get('engagement')
  @RequirePermission(Permission.OutcomeReportRead)
  @ApiOperation({ summary: 'Clients seen, sessions per client per month, discharge to contact' })
  @ApiJsonOrCsvResponse(EngagementReport, OUTCOME_CSV_COLUMNS.engagement, 'Engagement')
  engagement(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: ReportPeriodQuery,
    @Headers('accept') accept?: string,
  ): Promise<EngagementReport | StreamableFile> {
    return this.outcomes.engagement(actor, query, accept);
  }

  @Get('recovery-capital')
  @RequirePermission(Permission.OutcomeReportRead)
  @ApiOperation({ summary: 'BARC-10 first and latest, change and remission-threshold crossing' })
  @ApiJsonOrCsvResponse(
    RecoveryCapitalReport,
    OUTCOME_CSV_COLUMNS.recoveryCapital,
    'Recovery capital',
  )
  recoveryCapital(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: ReportPeriodQuery,
    @Headers('accept') accept?: string,
  ): Promise<RecoveryCapitalReport | StreamableFile> {
    return this.outcomes.recoveryCapital(actor, query, accept);
  }

  @Get('referrals')
  @RequirePermission(Permission.OutcomeReportRead)
  @ApiOperation({ summary: 'Referrals out by need category and completion rate' })
  @ApiJsonOrCsvResponse(ReferralsReport, OUTCOME_CSV_COLUMNS.referrals, 'Referrals out')
  referrals(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: ReportPeriodQuery,
    @Headers('accept') accept?: string,
  ): Promise<ReferralsReport | StreamableFile> {
    return this.outcomes.referrals(actor, query, accept);
  }

  @Get('retention')
  @RequirePermission(Permission.OutcomeReportRead)
  @ApiOperation({ summary: 'Clients active 30, 90 and 180 days after their first contact' })
  @ApiJsonOrCsvResponse(RetentionReport, OUTCOME_CSV_COLUMNS.retention, 'Retention')
  retention(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: ReportPeriodQuery,
    @Headers('accept') accept?: string,
  ): Promise<RetentionReport | StreamableFile> {
    return this.outcomes.retention(actor, query, accept);
  }
}
