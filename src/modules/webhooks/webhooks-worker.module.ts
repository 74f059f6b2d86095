import { Module } from '@nestjs/common';

import { DisclosureService } from '../disclosures/disclosures.service';
import { NotificationsCoreModule } from '../notifications/notifications-core.module';
import { WebhookDeliveryService } from './webhook-delivery.service';

/** The worker side of webhooks: delivery, retries, disabling a failing endpoint. */
@Module({
  imports: [NotificationsCoreModule],
  // DisclosureService alone: the disclosures module brings a controller, and the worker has none.
  providers: [WebhookDeliveryService, DisclosureService],
  exports: [WebhookDeliveryService],
})
export class WebhooksWorkerModule {}
