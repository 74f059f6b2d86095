import { Module } from '@nestjs/common';

import { FollowUpRatesService } from './follow-up-rates.service';
import { ReportsController } from './reports.controller';

@Module({ controllers: [ReportsController], providers: [FollowUpRatesService] })
export class ReportsModule {}
