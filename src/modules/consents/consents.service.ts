import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { correlationOf, UserPrincipal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { DomainError, NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { staleError } from '../../common/http/etag';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { ConsentRepository, ConsentRow } from './consent.repository';
import { ConsentResponse, CreateConsentDto } from './dto/consent.dto';

// A signature time a little ahead of the server's clock (a tablet's clock) is accepted.
const CLOCK_SKEW_MS = 60_000;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const toConsentResponse = (r: ConsentRow): ConsentResponse => ({
  id: r.id,
  clientId: r.clientId,
  recipientId: r.recipientId,
  purposes: r.purposes,
  categories: r.categories,
  effectiveAt: r.effectiveAt.toISOString(),
  expiresAt: r.expiresAt.toISOString(),
  signedAt: r.signedAt.toISOString(),
  signatureMethod: r.signatureMethod,
  revokedAt: iso(r.revokedAt),
  revocationReason: r.revocationReason,
  status: r.status,
  createdById: r.createdById,
  createdAt: r.createdAt.toISOString(),
  version: r.version,
});

/**
 * Part 2 consents of a client (SPEC 8), recorded and revoked by the staff who work with the client.
 * The recipient is an active API client of the organization. Every read and write is audited.
 */
@Injectable()
export class ConsentsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly consents: ConsentRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly webhookEvents: WebhookEventsService,
  ) {}

  async create(
    actor: UserPrincipal,
    clientId: string,
    dto: CreateConsentDto,
  ): Promise<ConsentResponse> {
    const now = Date.now();
    const effectiveAt = dto.effectiveAt ? new Date(dto.effectiveAt) : new Date(now);
    const expiresAt = new Date(dto.expiresAt);
    const signedAt = new Date(dto.signedAt);
    const errors: { field: string; message: string }[] = [];
    if (expiresAt.getTime() <= now) {
      errors.push({ field: 'expiresAt', message: 'expiresAt must be in the future' });
    } else if (expiresAt <= effectiveAt) {
      errors.push({ field: 'expiresAt', message: 'expiresAt must be after effectiveAt' });
    }
    if (signedAt.getTime() > now + CLOCK_SKEW_MS) {
      errors.push({ field: 'signedAt', message: 'signedAt must not be in the future' });
    }
    if (errors.length > 0) throw new ValidationError(errors);
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.access.requireClient(actor, clientId, m, true);
      if (!(await this.consents.isActiveRecipient(m, dto.recipientId, actor.organizationId))) {
        throw new ValidationError([
          {
            field: 'recipientId',
            message: 'recipientId must be an active API client of your organization',
          },
        ]);
      }
      const row = await this.consents.insert(m, {
        organizationId: actor.organizationId,
        clientId,
        recipientId: dto.recipientId,
        purposes: dto.purposes,
        categories: dto.categories,
        effectiveAt,
        expiresAt,
        signedAt,
        signatureMethod: dto.signatureMethod,
        createdById: actor.id,
      });
      tx.audit({
        action: 'consent.create',
        clientId,
        resourceType: 'Consent',
        resourceId: row.id,
      });
      return toConsentResponse(row);
    });
  }

  async list(
    actor: UserPrincipal,
    clientId: string,
    query: PageQuery,
  ): Promise<Page<ConsentResponse>> {
    const pager = new Pager(query, { principal: actor, list: `consents:${clientId}` });
    await this.access.requireClient(actor, clientId);
    const rows = await this.consents.pageForClient(clientId, pager);
    await this.audit.recordNow(actor, {
      action: 'consent.list',
      clientId,
      resourceType: 'Consent',
    });
    return pager.page(rows, (r) => ({ key: r.createdAtKey, id: r.id }), toConsentResponse);
  }

  /**
   * Revokes now; disclosures under it stop. `clientId` is given by the nested alias route and must
   * be the consent's. `expectedVersion` (If-Match, optional like the other actions) must be
   * current: 412 otherwise. 409 when already revoked or expired. The reason is stored on the
   * consent, never copied into the audit log (free text may hold PHI); the audit event names it.
   */
  async revoke(
    actor: UserPrincipal,
    target: { consentId: string; clientId?: string },
    input: { reason?: string; expectedVersion?: number },
  ): Promise<ConsentResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const found = await this.consents.findOwner(m, target.consentId, actor.organizationId);
      const clientId = await this.consentClient(actor, m, target, found?.clientId);
      const revoked = await this.consents.revoke(
        m,
        target.consentId,
        actor.id,
        input.reason ?? null,
        input.expectedVersion ?? null,
      );
      if (!revoked) {
        if (input.expectedVersion !== undefined && input.expectedVersion !== found?.version) {
          throw staleError();
        }
        throw new DomainError('INVALID_TRANSITION', 'This consent is already revoked or expired.');
      }
      tx.audit({
        action: 'consent.revoke',
        clientId,
        resourceType: 'Consent',
        resourceId: target.consentId,
      });
      await this.webhookEvents.emit(m, {
        organizationId: actor.organizationId,
        type: 'consent.revoked',
        clientId,
        resource: { type: 'Consent', id: target.consentId },
        data: { consentId: target.consentId },
        recipientId: revoked.recipientId,
        correlationId: correlationOf(actor),
      });
      return toConsentResponse(revoked);
    });
  }

  /** The consent's client when the caller may reach it; 404 alike for missing and out of scope. */
  private async consentClient(
    actor: UserPrincipal,
    m: EntityManager,
    target: { consentId: string; clientId?: string },
    foundClientId: string | undefined,
  ): Promise<string> {
    if (target.clientId) {
      await this.access.requireClient(actor, target.clientId, m);
      if (foundClientId !== target.clientId) throw new NotFoundError('Consent');
      return target.clientId;
    }
    if (!foundClientId) throw new NotFoundError('Consent');
    await this.access.requireClient(actor, foundClientId, m).catch((err: unknown) => {
      throw err instanceof NotFoundError ? new NotFoundError('Consent') : err;
    });
    return foundClientId;
  }
}
