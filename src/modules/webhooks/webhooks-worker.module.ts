import { Module } from '@nestjs/common';

import { DisclosureAccountingModule } from '../disclosures/disclosure-accounting.module';
import { NotificationsCoreModule } from '../notifications/notifications-core.module';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookRepository } from './webhook.repository';

/** The worker side of webhooks: delivery, retries, disabling a failing endpoint. */
@Module({
  imports: [NotificationsCoreModule, DisclosureAccountingModule],
  providers: [WebhookDeliveryService, WebhookRepository],
  exports: [WebhookDeliveryService],
})
export class WebhooksWorkerModule {}
