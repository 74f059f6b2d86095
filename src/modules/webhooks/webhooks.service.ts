import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { UserPrincipal } from '../../auth/principal';
import { CONFIG } from '../../config/config.module';
import type { Config } from '../../config/configuration';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { JobName } from '../../queue/jobs';
import { UnitOfWork } from '../audit/unit-of-work';
import {
  CreatedWebhookResponse,
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveryResponse,
  WebhookResponse,
} from './dto/webhook.dto';
import { urlProblem } from './webhook-http';
import { newWebhookSecret, sealSecret } from './webhook-secret';
import { WebhookEndpoint } from './webhook.entity';
import { DeliveryLogRow, WebhookRepository } from './webhook.repository';

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

/** Admins' webhook endpoints (SPEC 8): register (secret shown once), list, change, deliveries. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repo: WebhookRepository,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async create(actor: UserPrincipal, dto: CreateWebhookDto): Promise<CreatedWebhookResponse> {
    this.assertUrl(dto.url);
    const secret = newWebhookSecret();
    const saved = await this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      if (dto.apiClientId) await this.requireApiClient(m, actor, dto.apiClientId);
      const id = await this.repo.newId(m);
      const webhook = await this.repo.insertWebhook(m, {
        id,
        organizationId: actor.organizationId,
        url: dto.url,
        events: dto.events,
        apiClientId: dto.apiClientId ?? null,
        secretSealed: sealSecret(this.config.auth.jwtKey, id, secret),
        active: dto.active ?? true,
      });
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
    const rows = await this.repo.listInOrganization(actor.organizationId, pager);
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
      await this.repo.updateVersioned(m, where, expectedVersion, { ...dto, ...reset });
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
    const rows = await this.repo.listDeliveries(id, pager);
    return pager.page(rows, (r) => ({ key: r.createdAtKey, id: r.id }), toDeliveryResponse);
  }

  /** Queues a delivery again (any state but pending); consent is re-checked when it runs. */
  async redeliver(actor: UserPrincipal, id: string, deliveryId: string): Promise<void> {
    await this.require(actor, id);
    await this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const requeued = await this.repo.requeueDelivery(m, id, deliveryId);
      if (!requeued) throw new NotFoundError('Webhook delivery');
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
    const webhook = await this.repo.findInOrganization(actor.organizationId, id);
    if (!webhook) throw new NotFoundError('Webhook');
    return webhook;
  }

  private async requireApiClient(
    m: EntityManager,
    actor: UserPrincipal,
    id: string,
  ): Promise<void> {
    if (!(await this.repo.apiClientExists(m, actor.organizationId, id))) {
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

function toDeliveryResponse(r: DeliveryLogRow): WebhookDeliveryResponse {
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
