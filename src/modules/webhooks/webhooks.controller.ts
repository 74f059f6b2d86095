import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { UuidParam } from '../../common/dto/uuid.param';
import { IfMatch } from '../../common/http/etag';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import {
  CreatedWebhookResponse,
  CreateWebhookDto,
  DeliveryParam,
  UpdateWebhookDto,
  WebhookDeliveryListResponse,
  WebhookListResponse,
  WebhookResponse,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @HttpCode(201)
  // The secret is shown once: a replay answers the first response without it.
  @Idempotent({ omit: ['secret'] })
  @RequirePermission(Permission.WebhookManage)
  @ApiOperation({ summary: 'Register a webhook endpoint (admin); the secret is shown once' })
  @ApiCreatedResponse({ type: CreatedWebhookResponse })
  create(
    @CurrentUser() actor: UserPrincipal,
    @Body() dto: CreateWebhookDto,
  ): Promise<CreatedWebhookResponse> {
    return this.webhooks.create(actor, dto);
  }

  @Get()
  @RequirePermission(Permission.WebhookManage)
  @ApiOperation({ summary: 'List webhook endpoints (admin)' })
  @ApiOkResponse({ type: WebhookListResponse })
  list(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: PageQuery,
  ): Promise<WebhookListResponse> {
    return this.webhooks.list(actor, query);
  }

  @Get(':id')
  @RequirePermission(Permission.WebhookManage)
  @ApiOperation({ summary: 'Read a webhook endpoint (admin)' })
  @ApiOkResponse({ type: WebhookResponse })
  get(@CurrentUser() actor: UserPrincipal, @Param() { id }: UuidParam): Promise<WebhookResponse> {
    return this.webhooks.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission(Permission.WebhookManage)
  @ApiOperation({ summary: 'Change or (de)activate a webhook endpoint (admin, If-Match)' })
  @ApiOkResponse({ type: WebhookResponse })
  update(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @IfMatch() version: number,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookResponse> {
    return this.webhooks.update(actor, id, version, dto);
  }

  @Get(':id/deliveries')
  @RequirePermission(Permission.WebhookManage)
  @ApiOperation({ summary: 'A webhook’s deliveries, newest first, with every attempt (admin)' })
  @ApiOkResponse({ type: WebhookDeliveryListResponse })
  deliveries(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Query() query: PageQuery,
  ): Promise<WebhookDeliveryListResponse> {
    return this.webhooks.deliveries(actor, id, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(204)
  @RequirePermission(Permission.WebhookManage)
  @ApiOperation({ summary: 'Queue a delivery again (admin); consent is re-checked when it runs' })
  redeliver(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id, deliveryId }: DeliveryParam,
  ): Promise<void> {
    return this.webhooks.redeliver(actor, id, deliveryId);
  }
}
