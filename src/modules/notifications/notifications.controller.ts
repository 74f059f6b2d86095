import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { Principal } from '../../auth/principal';
import { UuidParam } from '../../common/dto/uuid.param';
import {
  NotificationPageResponse,
  NotificationQuery,
  NotificationResponse,
} from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @RequirePermission(Permission.NotificationRead)
  @ApiOperation({ summary: 'The caller’s notifications, newest first' })
  @ApiOkResponse({ type: NotificationPageResponse })
  list(
    @CurrentUser() actor: Principal,
    @Query() query: NotificationQuery,
  ): Promise<NotificationPageResponse> {
    return this.notifications.list(actor, query);
  }

  @Post(':id/read')
  @HttpCode(200)
  @RequirePermission(Permission.NotificationRead)
  @ApiOperation({ summary: 'Mark a notification read' })
  @ApiOkResponse({ type: NotificationResponse })
  markRead(
    @CurrentUser() actor: Principal,
    @Param() { id }: UuidParam,
  ): Promise<NotificationResponse> {
    return this.notifications.markRead(actor, id);
  }
}
