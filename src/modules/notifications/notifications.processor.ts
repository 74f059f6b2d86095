import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';

import { JobName, JobPayloads, QueueName } from '../../queue/jobs';
import { LoggedWorkerHost } from '../../queue/logged-worker-host';
import { SecurityNotificationsService } from './security-notifications.service';

@Processor(QueueName.Notifications)
export class NotificationsProcessor extends LoggedWorkerHost {
  static readonly handles: JobName[] = [JobName.AccountLocked];

  constructor(private readonly security: SecurityNotificationsService) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.AccountLocked:
        return this.security.accountLocked(job.data as JobPayloads[JobName.AccountLocked]);
      default:
        throw new Error(`No handler for job ${job.name}`);
    }
  }
}
