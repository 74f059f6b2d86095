import { Module } from '@nestjs/common';

import { QueueDashboardService } from './queue-dashboard.service';

/** The admins' queue dashboard, in the API process. */
@Module({ providers: [QueueDashboardService], exports: [QueueDashboardService] })
export class QueueDashboardModule {}
