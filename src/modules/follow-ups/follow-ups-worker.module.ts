import { Module } from '@nestjs/common';

import { NotificationsModule } from '../notifications/notifications.module';
import { FollowUpJobsService } from './follow-up-jobs.service';
import { FollowUpReconcilerService } from './follow-up-reconciler.service';
import { FollowUpsProcessor } from './follow-ups.processor';

/** The worker side of follow-ups: reminder and escalation jobs, and the reconciler. */
@Module({
  imports: [NotificationsModule],
  providers: [FollowUpJobsService, FollowUpsProcessor, FollowUpReconcilerService],
  exports: [FollowUpJobsService, FollowUpReconcilerService],
})
export class FollowUpsWorkerModule {}
