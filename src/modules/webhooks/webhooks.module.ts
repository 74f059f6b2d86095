import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { WebhookEndpoint } from './webhook.entity';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';
import { WebhookRepository } from './webhook.repository';

/** Admins' webhook endpoints and their delivery log (SPEC 8). */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEndpoint])],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookRepository],
})
export class WebhooksModule {}
