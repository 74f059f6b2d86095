import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { disclosableConsent } from '../../auth/access/consent.sql';
import { organizationAdminIds } from '../../auth/access/scope.sql';
import { pageNewestFirst } from '../../common/dto/keyset';
import { Pager } from '../../common/dto/pagination';
import { updateVersioned } from '../../common/http/etag';
import { preparedQuery } from '../../database/prepared';
import { JobName, JOBS } from '../../queue/jobs';
import { RECORD_DISCLOSURES } from '../disclosures/disclosure.queries';
import { WebhookAttemptResponse } from './dto/webhook.dto';
import { EVENT_CATEGORY, WebhookEventType } from './webhook-events';
import { WebhookEndpoint } from './webhook.entity';

/** Retries run for at least this long after the event, then the delivery fails. */
export const RETRY_WINDOW_HOURS = 24;
/** An endpoint failing without a success for this long is disabled and the admins told. */
export const DISABLE_AFTER_HOURS = 72;

/** A delivery as the worker loads it: with its webhook and the consent it discloses under. */
export interface DeliveryRow {
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

/** A delivery as the admins' delivery log lists it. */
export interface DeliveryLogRow {
  id: string;
  eventType: string;
  status: string;
  statusReason: string | null;
  attempts: WebhookAttemptResponse[] | null;
  createdAt: Date;
  createdAtKey: string;
  deliveredAt: Date | null;
}

/** The disclosure a delivered event makes (RECORD_DISCLOSURES's shape). */
export interface DeliveredDisclosure {
  client_id: string;
  consent_id: string;
  purpose: string | null;
  resources: { type: string; id: string | null }[];
}

/** An event of a change, as one row per subscribed webhook (WebhookEventsService). */
export interface WebhookEventRow {
  organizationId: string;
  type: WebhookEventType;
  clientId: string;
  resourceType: string;
  resourceId: string;
  data: string;
  recipientId: string | null;
  correlationId: string | null;
}

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

/** The webhooks module's data access: endpoints, deliveries, attempts, events. */
@Injectable()
export class WebhookRepository {
  private readonly webhooks: Repository<WebhookEndpoint>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.webhooks = dataSource.getRepository(WebhookEndpoint);
  }

  // --- Endpoints (admins) ---

  async newId(manager: EntityManager): Promise<string> {
    const [{ id }] = await manager.query(`SELECT gen_random_uuid() AS id`);
    return id as string;
  }

  insertWebhook(
    manager: EntityManager,
    fields: Partial<WebhookEndpoint>,
  ): Promise<WebhookEndpoint> {
    return manager.save(manager.create(WebhookEndpoint, fields));
  }

  async apiClientExists(
    manager: EntityManager,
    organizationId: string,
    id: string,
  ): Promise<boolean> {
    const [row] = await manager.query(
      `SELECT 1 FROM api_client WHERE id = $1 AND organization_id = $2`,
      [id, organizationId],
    );
    return !!row;
  }

  listInOrganization(organizationId: string, pager: Pager): Promise<WebhookEndpoint[]> {
    const qb = this.webhooks
      .createQueryBuilder('w')
      .where('w.organization_id = :org', { org: organizationId });
    return pageNewestFirst(qb, 'w', pager).getMany();
  }

  findInOrganization(organizationId: string, id: string): Promise<WebhookEndpoint | null> {
    return this.webhooks.findOneBy({ id, organizationId });
  }

  updateVersioned(
    manager: EntityManager,
    where: { id: string; organizationId: string },
    expectedVersion: number,
    patch: QueryDeepPartialEntity<WebhookEndpoint>,
  ): Promise<void> {
    return updateVersioned(manager, WebhookEndpoint, where, expectedVersion, patch);
  }

  listDeliveries(webhookId: string, pager: Pager): Promise<DeliveryLogRow[]> {
    const qb = this.dataSource.manager
      .createQueryBuilder()
      .select([
        'd.id AS id',
        'd.event_type AS "eventType"',
        'd.status AS status',
        'd.status_reason AS "statusReason"',
        'd.created_at AS "createdAt"',
        `to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAtKey"`,
        'd.delivered_at AS "deliveredAt"',
        `(SELECT jsonb_agg(jsonb_build_object('attemptedAt', a.attempted_at, 'statusCode', a.status_code,
           'durationMs', a.duration_ms, 'error', a.error) ORDER BY a.attempted_at)
          FROM webhook_attempt a WHERE a.delivery_id = d.id) AS attempts`,
      ])
      .from('webhook_delivery', 'd')
      .where('d.webhook_id = :id', { id: webhookId });
    return pageNewestFirst(qb, 'd', pager).getRawMany<DeliveryLogRow>();
  }

  /** Puts a delivery back to pending; false when the webhook has no such delivery. */
  async requeueDelivery(
    manager: EntityManager,
    webhookId: string,
    deliveryId: string,
  ): Promise<boolean> {
    const [[row]]: [{ attempts: number }[], number] = await manager.query(
      `UPDATE webhook_delivery SET status = 'pending', status_reason = NULL, created_at = now(),
           next_attempt_at = now()
         WHERE id = $1 AND webhook_id = $2 RETURNING attempts`,
      [deliveryId, webhookId],
    );
    return !!row;
  }

  // --- Events (in the transaction of the change) ---

  async insertEvent(manager: EntityManager, e: WebhookEventRow): Promise<void> {
    await manager.query(EMIT, [
      e.organizationId,
      e.type,
      e.clientId,
      e.resourceType,
      e.resourceId,
      e.data,
      e.recipientId,
      JOBS[JobName.WebhookDeliver].queue,
      JobName.WebhookDeliver,
      e.correlationId,
    ]);
  }

  // --- Deliveries (worker) ---

  /** The delivery, its webhook and the consent in force it discloses under: one statement. */
  loadDelivery(id: string): Promise<DeliveryRow | undefined> {
    return preparedQuery<DeliveryRow>(this.dataSource, LOAD_DELIVERY, [id]).then((rows) => rows[0]);
  }

  /**
   * A success in one statement (atomic without a transaction): the attempt, the delivered mark,
   * the webhook's failing mark cleared, and under a consent the disclosure row and its audit event.
   */
  async markDelivered(
    d: DeliveryRow,
    disclosed: DeliveredDisclosure[],
    statusCode: number | null,
    durationMs: number,
  ): Promise<void> {
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
      statusCode,
      durationMs,
    ]);
  }

  /** Runs a failed attempt's writes in one transaction. */
  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insertFailedAttempt(
    manager: EntityManager,
    deliveryId: string,
    statusCode: number | null,
    durationMs: number,
    error: string | null,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO webhook_attempt (delivery_id, status_code, duration_ms, error) VALUES ($1, $2, $3, $4)`,
      [deliveryId, statusCode, durationMs, error],
    );
  }

  /** Sets the webhook's failing mark (kept when set); true when it has failed for days. */
  async markFailing(manager: EntityManager, webhookId: string): Promise<boolean> {
    // An UPDATE ... RETURNING answers [rows, affected] through TypeORM.
    const [[webhook]]: [{ failing_days: boolean }[], number] = await manager.query(
      `UPDATE webhook SET failing_since = coalesce(failing_since, now()) WHERE id = $1
       RETURNING failing_since < now() - make_interval(hours => ${DISABLE_AFTER_HOURS}) AS failing_days`,
      [webhookId],
    );
    return !!webhook?.failing_days;
  }

  async markDeliveryFailed(
    manager: EntityManager,
    deliveryId: string,
    reason: string | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE webhook_delivery SET status = 'failed', status_reason = $2, attempts = attempts + 1
         WHERE id = $1`,
      [deliveryId, reason],
    );
  }

  async scheduleRetry(
    manager: EntityManager,
    deliveryId: string,
    runAt: Date,
    reason: string | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE webhook_delivery SET attempts = attempts + 1, next_attempt_at = $2, status_reason = $3
       WHERE id = $1`,
      [deliveryId, runAt, reason],
    );
  }

  /** Disables an active webhook; false when it already was. */
  async disable(manager: EntityManager, webhookId: string): Promise<boolean> {
    const [changed]: [unknown[], number] = await manager.query(
      `UPDATE webhook SET active = false, disabled_at = now(), version = version + 1
       WHERE id = $1 AND active RETURNING id`,
      [webhookId],
    );
    return changed.length > 0;
  }

  async organizationAdminIds(manager: EntityManager, organizationId: string): Promise<string[]> {
    const admins: { id: string }[] = await manager.query(organizationAdminIds('$1'), [
      organizationId,
    ]);
    return admins.map((a) => a.id);
  }

  /** Closes a delivery still pending (not sent). */
  async closePending(deliveryId: string, status: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_delivery SET status = $2, status_reason = $3 WHERE id = $1 AND status = 'pending'`,
      [deliveryId, status, reason],
    );
  }
}
