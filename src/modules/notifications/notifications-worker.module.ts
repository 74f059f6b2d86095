import { Module } from '@nestjs/common';

import { NotificationsCoreModule } from './notifications-core.module';
import { NotificationsProcessor } from './notifications.processor';
import { SecurityNotificationsService } from './security-notifications.service';

/** Worker side of notifications: the security events the organization's admins must see. */
@Module({
  imports: [NotificationsCoreModule],
  providers: [NotificationsProcessor, SecurityNotificationsService],
})
export class NotificationsWorkerModule {}
