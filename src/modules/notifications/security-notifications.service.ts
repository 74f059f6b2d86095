import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { JobName, JobPayloads } from '../../queue/jobs';
import { NotificationsService } from './notifications.service';

/** Security events that the organization's admins must see. */
@Injectable()
export class SecurityNotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
  ) {}

  async accountLocked(payload: JobPayloads[JobName.AccountLocked]): Promise<number> {
    const admins: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM app_user WHERE organization_id = $1 AND role = 'admin' AND active`,
      [payload.organizationId],
    );
    return this.notifications.notify({
      organizationId: payload.organizationId,
      recipientIds: admins.map((a) => a.id),
      kind: JobName.AccountLocked,
      dedupeKey: `account-locked|${payload.userId}|${payload.windowStartedAt}`,
      resourceType: 'User',
      resourceId: payload.userId,
    });
  }
}
