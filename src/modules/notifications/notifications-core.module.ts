import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { Notification } from './notification.entity';
import { NotificationRepository } from './notification.repository';
import { NotificationsService } from './notifications.service';

/** Writing and reading notifications, shared by the API and the worker (no controller). */
@Module({
  imports: [TypeOrmModule.forFeature([Notification])],
  providers: [NotificationRepository, NotificationsService],
  exports: [NotificationRepository, NotificationsService],
})
export class NotificationsCoreModule {}
