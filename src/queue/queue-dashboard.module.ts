import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module';
import { QueueDashboardAuthService } from './queue-dashboard-auth.service';
import { QueueDashboardService } from './queue-dashboard.service';

/** The deployment operators' queue dashboard, in the API process. */
@Module({
  imports: [AuthModule],
  providers: [QueueDashboardService, QueueDashboardAuthService],
  exports: [QueueDashboardService],
})
export class QueueDashboardModule {}
