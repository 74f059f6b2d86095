import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { CONFIG } from '../../config/config.module';
import type { Config } from '../../config/configuration';
import { JobHandler } from '../../queue/job-handler.decorator';
import { JobName, JobPayloads } from '../../queue/jobs';
import { OutboxService } from '../../queue/outbox.service';
import { NotificationsService } from '../notifications/notifications.service';
import { EVENT_CATEGORY } from './webhook-events';
import { postWebhook, WebhookHttpResult } from './webhook-http';
import { WebhookSigners } from './webhook-secret';
import { DeliveredDisclosure, DeliveryRow, WebhookRepository } from './webhook.repository';

const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 4 * 3600_000;

/** Exponential backoff with full jitter: attempt n waits a random time up to base * 2^n (capped). */
export function backoffMs(attempt: number, random = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Delivers webhook events (SPEC 8), at least once: a delivery is re-read and skipped unless still
 * pending, the consent of the webhook's API client is re-checked at each attempt (a revoked
 * consent cancels what is queued), each attempt is logged, a success writes the disclosure row,
 * a failure schedules the next attempt (backoff with jitter) until the retry window closes. No
 * ordering is promised: each delivery stands alone and may overtake another on a retry; the
 * payload's `timestamp` orders events and `webhook-id` deduplicates them.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly signers: WebhookSigners;

  constructor(
    private readonly repo: WebhookRepository,
    @Inject(CONFIG) private readonly config: Config,
    private readonly notifications: NotificationsService,
    private readonly outbox: OutboxService,
  ) {
    this.signers = new WebhookSigners(config.auth.jwtKey);
  }

  @JobHandler(JobName.WebhookDeliver)
  async deliver(payload: JobPayloads[JobName.WebhookDeliver]): Promise<string> {
    const d = await this.load(payload.deliveryId);
    if (!d || d.status !== 'pending') return 'skipped';
    if (!d.active) return this.close(d, 'cancelled', 'webhook inactive');
    // No category: no consent needed (consent.revoked, told to its own recipient).
    const needsConsent = EVENT_CATEGORY[d.event_type] !== null;
    if (needsConsent && !d.consent_id) return this.close(d, 'cancelled', 'no consent in force');
    const result = await this.send(d);
    if (!result.error) return this.delivered(d, result);
    return this.repo.inTransaction(async (m) => {
      await this.repo.insertFailedAttempt(
        m,
        d.id,
        result.statusCode,
        result.durationMs,
        result.error,
      );
      return this.failed(
        m,
        d,
        result,
        (payload as { correlationId?: string }).correlationId ?? null,
      );
    });
  }

  /** The delivery, its webhook and the consent in force it discloses under: one statement. */
  private load(id: string): Promise<DeliveryRow | undefined> {
    return this.repo.loadDelivery(id);
  }

  private send(d: DeliveryRow): Promise<WebhookHttpResult> {
    const body = JSON.stringify(d.payload);
    const now = new Date();
    const headers = {
      'webhook-id': d.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': this.signers.of(d.webhook_id, d.secret_sealed).sign(d.id, now, body),
    };
    return postWebhook(d.url, body, headers, this.config.webhooks);
  }

  /**
   * A success in one statement (atomic without a transaction): the attempt, the delivered mark,
   * the webhook's failing mark cleared, and under a consent the disclosure row and its audit event.
   */
  private async delivered(d: DeliveryRow, result: WebhookHttpResult): Promise<string> {
    const disclosed: DeliveredDisclosure[] =
      d.consent_id && d.api_client_id && d.client_id
        ? [
            {
              client_id: d.client_id,
              consent_id: d.consent_id,
              purpose: d.consent_purpose,
              resources: d.resource_type ? [{ type: d.resource_type, id: d.resource_id }] : [],
            },
          ]
        : [];
    await this.repo.markDelivered(d, disclosed, result.statusCode, result.durationMs);
    return 'delivered';
  }

  private async failed(
    m: EntityManager,
    d: DeliveryRow,
    result: WebhookHttpResult,
    correlationId: string | null,
  ): Promise<string> {
    const failingDays = await this.repo.markFailing(m, d.webhook_id);
    if (failingDays) await this.disable(m, d);
    if (d.expired || failingDays) {
      await this.repo.markDeliveryFailed(m, d.id, result.error);
      return 'failed';
    }
    const runAt = new Date(Date.now() + backoffMs(d.attempts));
    await this.repo.scheduleRetry(m, d.id, runAt, result.error);
    await this.outbox.enqueue(
      m,
      [
        {
          name: JobName.WebhookDeliver,
          payload: { organizationId: d.organization_id, deliveryId: d.id },
          jobId: `webhook.${d.id}.${d.attempts + 1}`,
          runAt,
        },
      ],
      correlationId,
    );
    return 'retrying';
  }

  // Failing for days: the endpoint stops receiving, its queued deliveries fail, the admins hear.
  private async disable(m: EntityManager, d: DeliveryRow): Promise<void> {
    if (!(await this.repo.disable(m, d.webhook_id))) return;
    const adminIds = await this.repo.organizationAdminIds(m, d.organization_id);
    await this.notifications.notify(
      {
        organizationId: d.organization_id,
        recipientIds: adminIds,
        kind: 'webhook.disabled',
        dedupeKey: `webhook-disabled:${d.webhook_id}:${Date.now()}`,
        resourceType: 'Webhook',
        resourceId: d.webhook_id,
      },
      m,
    );
  }

  private async close(d: DeliveryRow, status: 'cancelled', reason: string): Promise<string> {
    await this.repo.closePending(d.id, status, reason);
    return status;
  }
}
