import { Injectable } from '@nestjs/common';

import { JobName, JobPayloads } from '../../queue/jobs';
import { NotificationRepository } from './notification.repository';
import { NotificationsService } from './notifications.service';

/** Security events that the organization's admins must see. */
@Injectable()
export class SecurityNotificationsService {
  constructor(
    private readonly repository: NotificationRepository,
    private readonly notifications: NotificationsService,
  ) {}

  async accountLocked(payload: JobPayloads[JobName.AccountLocked]): Promise<number> {
    const admins = await this.repository.activeAdminIds(payload.organizationId);
    return this.notifications.notify({
      organizationId: payload.organizationId,
      recipientIds: admins,
      kind: JobName.AccountLocked,
      dedupeKey: `account-locked|${payload.userId}|${payload.windowStartedAt}`,
      resourceType: 'User',
      resourceId: payload.userId,
    });
  }
}
