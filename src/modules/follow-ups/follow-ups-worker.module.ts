import { Module } from '@nestjs/common';

import { NotificationsCoreModule } from '../notifications/notifications-core.module';
import { FollowUpJobsService } from './follow-up-jobs.service';
import { FollowUpReconcilerService } from './follow-up-reconciler.service';
import { FollowUpRepository } from './follow-up.repository';
import { FollowUpsProcessor } from './follow-ups.processor';

/** The worker side of follow-ups: reminder and escalation jobs, and the reconciler. */
@Module({
  imports: [NotificationsCoreModule],
  providers: [
    FollowUpJobsService,
    FollowUpsProcessor,
    FollowUpReconcilerService,
    FollowUpRepository,
  ],
  exports: [FollowUpJobsService, FollowUpReconcilerService],
})
export class FollowUpsWorkerModule {}
