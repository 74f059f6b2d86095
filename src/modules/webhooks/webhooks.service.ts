import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';

import { UserPrincipal } from '../../auth/principal';
import { CONFIG } from '../../config/config.module';
import type { Config } from '../../config/configuration';
import { pageNewestFirst } from '../../common/dto/keyset';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { updateVersioned } from '../../common/http/etag';
import { JobName } from '../../queue/jobs';
import { UnitOfWork } from '../audit/unit-of-work';
import {
  CreatedWebhookResponse,
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookAttemptResponse,
  WebhookDeliveryResponse,
  WebhookResponse,
} from './dto/webhook.dto';
import { urlProblem } from './webhook-http';
import { newWebhookSecret, sealSecret } from './webhook-secret';
import { WebhookEndpoint } from './webhook.entity';

const toResponse = (w: WebhookEndpoint): WebhookResponse => ({
  id: w.id,
  url: w.url,
  events: w.events,
  apiClientId: w.apiClientId,
  active: w.active,
  disabledAt: w.disabledAt?.toISOString() ?? null,
  version: w.version,
  createdAt: w.createdAt.toISOString(),
});

interface DeliveryRow {
  id: string;
  eventType: string;
  status: string;
  statusReason: string | null;
  attempts: WebhookAttemptResponse[] | null;
  createdAt: Date;
  createdAtKey: string;
  deliveredAt: Date | null;
}

/** Admins' webhook endpoints (SPEC 8): register (secret shown once), list, change, deliveries. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(WebhookEndpoint) private readonly webhooks: Repository<WebhookEndpoint>,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async create(actor: UserPrincipal, dto: CreateWebhookDto): Promise<CreatedWebhookResponse> {
    this.assertUrl(dto.url);
    const secret = newWebhookSecret();
    const saved = await this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      if (dto.apiClientId) await this.requireApiClient(m, actor, dto.apiClientId);
      const [{ id }] = await m.query(`SELECT gen_random_uuid() AS id`);
      const webhook = await m.save(
        m.create(WebhookEndpoint, {
          id,
          organizationId: actor.organizationId,
          url: dto.url,
          events: dto.events,
          apiClientId: dto.apiClientId ?? null,
          secretSealed: sealSecret(this.config.auth.jwtKey, id, secret),
          active: dto.active ?? true,
        }),
      );
      tx.audit({
        action: 'webhook.create',
        resourceType: 'Webhook',
        resourceId: id,
      });
      return webhook;
    });
    return { ...toResponse(saved), secret };
  }

  async list(actor: UserPrincipal, query: PageQuery): Promise<Page<WebhookResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'webhooks' });
    const qb = this.webhooks
      .createQueryBuilder('w')
      .where('w.organization_id = :org', { org: actor.organizationId });
    const rows = await pageNewestFirst(qb, 'w', pager).getMany();
    return pager.page(rows, (w) => ({ key: w.createdAt.toISOString(), id: w.id }), toResponse);
  }

  async get(actor: UserPrincipal, id: string): Promise<WebhookResponse> {
    return toResponse(await this.require(actor, id));
  }

  async update(
    actor: UserPrincipal,
    id: string,
    expectedVersion: number,
    dto: UpdateWebhookDto,
  ): Promise<WebhookResponse> {
    if (dto.url !== undefined) this.assertUrl(dto.url);
    const where = { id, organizationId: actor.organizationId };
    // Re-enabling an endpoint disabled for failing starts its failure clock again.
    const reset = dto.active ? { failingSince: null, disabledAt: null } : {};
    await this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await updateVersioned(m, WebhookEndpoint, where, expectedVersion, { ...dto, ...reset });
      tx.audit({
        action: 'webhook.update',
        resourceType: 'Webhook',
        resourceId: id,
      });
    });
    return this.get(actor, id);
  }

  async deliveries(
    actor: UserPrincipal,
    id: string,
    query: PageQuery,
  ): Promise<Page<WebhookDeliveryResponse>> {
    await this.require(actor, id);
    const pager = new Pager(query, { principal: actor, list: `webhook-deliveries:${id}` });
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
      .where('d.webhook_id = :id', { id });
    const rows = await pageNewestFirst(qb, 'd', pager).getRawMany<DeliveryRow>();
    return pager.page(rows, (r) => ({ key: r.createdAtKey, id: r.id }), toDeliveryResponse);
  }

  /** Queues a delivery again (any state but pending); consent is re-checked when it runs. */
  async redeliver(actor: UserPrincipal, id: string, deliveryId: string): Promise<void> {
    await this.require(actor, id);
    await this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const [[row]]: [{ attempts: number }[], number] = await m.query(
        `UPDATE webhook_delivery SET status = 'pending', status_reason = NULL, created_at = now(),
           next_attempt_at = now()
         WHERE id = $1 AND webhook_id = $2 RETURNING attempts`,
        [deliveryId, id],
      );
      if (!row) throw new NotFoundError('Webhook delivery');
      tx.enqueue([
        {
          name: JobName.WebhookDeliver,
          payload: { organizationId: actor.organizationId, deliveryId },
          jobId: `webhook.${deliveryId}.redeliver-${Date.now()}`,
        },
      ]);
      tx.audit({
        action: 'webhook.redeliver',
        resourceType: 'WebhookDelivery',
        resourceId: deliveryId,
      });
    });
  }

  private async require(actor: UserPrincipal, id: string): Promise<WebhookEndpoint> {
    const webhook = await this.webhooks.findOneBy({ id, organizationId: actor.organizationId });
    if (!webhook) throw new NotFoundError('Webhook');
    return webhook;
  }

  private async requireApiClient(
    m: EntityManager,
    actor: UserPrincipal,
    id: string,
  ): Promise<void> {
    const [row] = await m.query(`SELECT 1 FROM api_client WHERE id = $1 AND organization_id = $2`, [
      id,
      actor.organizationId,
    ]);
    if (!row) {
      throw new ValidationError([
        { field: 'apiClientId', message: 'apiClientId names no API client' },
      ]);
    }
  }

  private assertUrl(url: string): void {
    const problem = urlProblem(url, this.config.webhooks.httpAllowedHosts);
    if (problem) throw new ValidationError([{ field: 'url', message: problem }]);
  }
}

function toDeliveryResponse(r: DeliveryRow): WebhookDeliveryResponse {
  return {
    id: r.id,
    eventType: r.eventType,
    status: r.status,
    statusReason: r.statusReason,
    attempts: (r.attempts ?? []).map((a) => ({
      ...a,
      attemptedAt: new Date(a.attemptedAt).toISOString(),
    })),
    createdAt: r.createdAt.toISOString(),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
  };
}
