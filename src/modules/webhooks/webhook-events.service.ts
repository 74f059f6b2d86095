import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { JobName, JOBS } from '../../queue/jobs';
import { WebhookEventType } from './webhook-events';

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

// In ONE statement, in the transaction of the change: a delivery per active webhook of the
// organization subscribed to the event, and its job in the outbox (the relay moves it to BullMQ).
// With no subscriber it inserts nothing. The outbox row is the OutboxService's shape; it is written
// here in SQL so that the change costs one statement whatever the number of webhooks.
const EMIT = `WITH d AS (
    INSERT INTO webhook_delivery (organization_id, webhook_id, event_type, client_id, resource_type, resource_id, payload)
    SELECT w.organization_id, w.id, $2, $3, $4, $5,
      jsonb_build_object('type', $2::text, 'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'data', $6::jsonb)
    FROM webhook w
    WHERE w.organization_id = $1 AND w.active AND $2 = ANY (w.events)
      AND ($7::uuid IS NULL OR w.api_client_id = $7)
    RETURNING id, organization_id)
  INSERT INTO outbox (queue, job_name, job_id, payload, run_at)
  SELECT $8, $9, 'webhook.' || d.id || '.0',
    jsonb_build_object('organizationId', d.organization_id, 'deliveryId', d.id, 'correlationId', $10::text),
    now()
  FROM d`;

@Injectable()
export class WebhookEventsService {
  /** Records the event for every subscribed webhook, in the caller's transaction. */
  async emit(m: EntityManager, e: WebhookEvent): Promise<void> {
    await m.query(EMIT, [
      e.organizationId,
      e.type,
      e.clientId,
      e.resource.type,
      e.resource.id,
      JSON.stringify({ clientId: e.clientId, ...e.data }),
      e.recipientId ?? null,
      JOBS[JobName.WebhookDeliver].queue,
      JobName.WebhookDeliver,
      e.correlationId,
    ]);
  }
}
