import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { disclosableConsent } from '../../auth/access/consent.sql';
import { organizationAdminIds } from '../../auth/access/scope.sql';
import { CONFIG } from '../../config/config.module';
import type { Config } from '../../config/configuration';
import { preparedQuery } from '../../database/prepared';
import { JobHandler } from '../../queue/job-handler.decorator';
import { JobName, JobPayloads } from '../../queue/jobs';
import { OutboxService } from '../../queue/outbox.service';
import { RECORD_DISCLOSURES } from '../disclosures/disclosure.queries';
import { NotificationsService } from '../notifications/notifications.service';
import { EVENT_CATEGORY, WebhookEventType } from './webhook-events';
import { postWebhook, WebhookHttpResult } from './webhook-http';
import { WebhookSigners } from './webhook-secret';

interface DeliveryRow {
  id: string;
  organization_id: string;
  webhook_id: string;
  event_type: WebhookEventType;
  client_id: string | null;
  resource_type: string | null;
  resource_id: string | null;
  payload: Record<string, unknown>;
  status: string;
  attempts: number;
  expired: boolean;
  url: string;
  secret_sealed: Buffer;
  active: boolean;
  api_client_id: string | null;
  /** The consent the delivery discloses under (null when none in force or none needed). */
  consent_id: string | null;
  consent_purpose: string | null;
}

/** Retries run for at least this long after the event, then the delivery fails. */
export const RETRY_WINDOW_HOURS = 24;
/** An endpoint failing without a success for this long is disabled and the admins told. */
export const DISABLE_AFTER_HOURS = 72;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 4 * 3600_000;

// The data category each event discloses (SQL text built from the constant map, never from input).
const EVENT_CATEGORY_SQL = `CASE d.event_type ${Object.entries(EVENT_CATEGORY)
  .filter(([, category]) => category !== null)
  .map(([event, category]) => `WHEN '${event}' THEN '${category}'`)
  .join(' ')} END`;

const LOAD_DELIVERY = `SELECT d.*,
    d.created_at < now() - make_interval(hours => ${RETRY_WINDOW_HOURS}) AS expired,
    w.url, w.secret_sealed, w.active, w.api_client_id,
    kc.consent_id, kc.purpose AS consent_purpose
  FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook_id
  LEFT JOIN client c ON c.id = d.client_id AND c.deleted_at IS NULL
  LEFT JOIN LATERAL (${disclosableConsent('w.api_client_id', 'c.id', `ARRAY[${EVENT_CATEGORY_SQL}]`)}) kc ON true
  WHERE d.id = $1`;

// The failing mark is cleared only when set: an unconditional UPDATE locked the webhook's row for
// every delivery, so the concurrent deliveries of one endpoint queued behind each other. The
// disclosure and its audit event are RECORD_DISCLOSURES's ($1-$10; none when $4 is empty).
const DELIVERED = `WITH attempt AS (
    INSERT INTO webhook_attempt (delivery_id, status_code, duration_ms, error)
    VALUES ($10, $12, $13, NULL)),
  mark AS (
    UPDATE webhook_delivery SET status = 'delivered', attempts = attempts + 1, delivered_at = now()
    WHERE id = $10),
  hook AS (
    UPDATE webhook SET failing_since = NULL WHERE id = $11 AND failing_since IS NOT NULL),
  ${RECORD_DISCLOSURES.replace(/^WITH /, '')}`;

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
    @InjectDataSource() private readonly dataSource: DataSource,
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
    return this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO webhook_attempt (delivery_id, status_code, duration_ms, error) VALUES ($1, $2, $3, $4)`,
        [d.id, result.statusCode, result.durationMs, result.error],
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
    return preparedQuery<DeliveryRow>(this.dataSource, LOAD_DELIVERY, [id]).then((rows) => rows[0]);
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
    const disclosed =
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
    await preparedQuery(this.dataSource, DELIVERED, [
      d.organization_id,
      d.api_client_id,
      null,
      JSON.stringify(disclosed),
      null,
      'system',
      null,
      'webhook.deliver',
      'WebhookDelivery',
      d.id,
      d.webhook_id,
      result.statusCode,
      result.durationMs,
    ]);
    return 'delivered';
  }

  private async failed(
    m: EntityManager,
    d: DeliveryRow,
    result: WebhookHttpResult,
    correlationId: string | null,
  ): Promise<string> {
    // An UPDATE ... RETURNING answers [rows, affected] through TypeORM.
    const [[webhook]]: [{ failing_days: boolean }[], number] = await m.query(
      `UPDATE webhook SET failing_since = coalesce(failing_since, now()) WHERE id = $1
       RETURNING failing_since < now() - make_interval(hours => ${DISABLE_AFTER_HOURS}) AS failing_days`,
      [d.webhook_id],
    );
    if (webhook?.failing_days) await this.disable(m, d);
    if (d.expired || webhook?.failing_days) {
      await m.query(
        `UPDATE webhook_delivery SET status = 'failed', status_reason = $2, attempts = attempts + 1
         WHERE id = $1`,
        [d.id, result.error],
      );
      return 'failed';
    }
    const runAt = new Date(Date.now() + backoffMs(d.attempts));
    await m.query(
      `UPDATE webhook_delivery SET attempts = attempts + 1, next_attempt_at = $2, status_reason = $3
       WHERE id = $1`,
      [d.id, runAt, result.error],
    );
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
    const [changed]: [unknown[], number] = await m.query(
      `UPDATE webhook SET active = false, disabled_at = now(), version = version + 1
       WHERE id = $1 AND active RETURNING id`,
      [d.webhook_id],
    );
    if (changed.length === 0) return;
    const admins: { id: string }[] = await m.query(organizationAdminIds('$1'), [d.organization_id]);
    await this.notifications.notify(
      {
        organizationId: d.organization_id,
        recipientIds: admins.map((a) => a.id),
        kind: 'webhook.disabled',
        dedupeKey: `webhook-disabled:${d.webhook_id}:${Date.now()}`,
        resourceType: 'Webhook',
        resourceId: d.webhook_id,
      },
      m,
    );
  }

  private async close(d: DeliveryRow, status: 'cancelled', reason: string): Promise<string> {
    await this.dataSource.query(
      `UPDATE webhook_delivery SET status = $2, status_reason = $3 WHERE id = $1 AND status = 'pending'`,
      [d.id, status, reason],
    );
    return status;
  }
}
