import { Module } from '@nestjs/common';

import { FollowUpRatesService } from './follow-up-rates.service';
import { OutcomeReportsService } from './outcome-reports.service';
import { ReportRepository } from './report.repository';
import { ReportsController } from './reports.controller';

@Module({
  controllers: [ReportsController],
  providers: [FollowUpRatesService, OutcomeReportsService, ReportRepository],
})
export class ReportsModule {}
