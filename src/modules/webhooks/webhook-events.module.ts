import { Global, Module } from '@nestjs/common';

import { WebhookEventsService } from './webhook-events.service';
import { WebhookRepository } from './webhook.repository';

/**
 * The events of a change, written beside it (WebhookEventsService): global, since every module
 * whose changes are events (discharges, follow-ups, consents, assessments) writes them.
 */
@Global()
@Module({
  providers: [WebhookEventsService, WebhookRepository],
  exports: [WebhookEventsService],
})
export class WebhookEventsModule {}
