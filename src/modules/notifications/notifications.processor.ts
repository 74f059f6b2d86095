import { Injectable } from '@nestjs/common';

import { JobHandler } from '../../queue/job-handler.decorator';
import { JobName, JobPayloads } from '../../queue/jobs';
import { SecurityNotificationsService } from './security-notifications.service';

@Injectable()
export class NotificationsProcessor {
  constructor(private readonly security: SecurityNotificationsService) {}

  @JobHandler(JobName.AccountLocked)
  accountLocked(payload: JobPayloads[JobName.AccountLocked]): Promise<number> {
    return this.security.accountLocked(payload);
  }
}
