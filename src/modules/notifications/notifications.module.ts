import { Module } from '@nestjs/common';

import { NotificationsCoreModule } from './notifications-core.module';
import { NotificationsController } from './notifications.controller';

/** The API's notification routes. */
@Module({
  imports: [NotificationsCoreModule],
  controllers: [NotificationsController],
})
export class NotificationsModule {}
