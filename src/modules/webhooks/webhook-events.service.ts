import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { WebhookEventType } from './webhook-events';
import { WebhookRepository } from './webhook.repository';

/** An event of a change: ids and event data only (never names, narratives or free text). */
export interface WebhookEvent {
  organizationId: string;
  type: WebhookEventType;
  clientId: string;
  /** The record the event is about (a disclosure row names it). */
  resource: { type: string; id: string };
  /** Ids, enums and instants only. */
  data: Record<string, string | number | boolean | null>;
  /** consent.revoked: only the consent's recipient hears of it. */
  recipientId?: string;
  correlationId: string | null;
}

@Injectable()
export class WebhookEventsService {
  constructor(private readonly repo: WebhookRepository) {}

  /** Records the event for every subscribed webhook, in the caller's transaction: one statement. */
  async emit(m: EntityManager, e: WebhookEvent): Promise<void> {
    await this.repo.insertEvent(m, {
      organizationId: e.organizationId,
      type: e.type,
      clientId: e.clientId,
      resourceType: e.resource.type,
      resourceId: e.resource.id,
      data: JSON.stringify({ clientId: e.clientId, ...e.data }),
      recipientId: e.recipientId ?? null,
      correlationId: e.correlationId,
    });
  }
}
